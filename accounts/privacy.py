"""The privacy notice in force (个人信息保护告知书). Its text is templates/accounts/privacy_notice.html; a change of
what it says is a new version, and every citizen is asked to agree to it again."""

PRIVACY_NOTICE_VERSION = "2026-12"
