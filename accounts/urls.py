from django.urls import path

from accounts import privacy_views, views

app_name = "accounts"

urlpatterns = [
    path("", views.portal_home, name="portal"),
    path("register/", views.register, name="register"),
    path("login/", views.login_password, name="login"),
    path("login/code/", views.login_code, name="login_code"),
    path("profile/", views.profile, name="profile"),
    path("companies/", views.companies, name="companies"),
    path("companies/<id:agent_id>/remove/", views.company_remove, name="company_remove"),
    path("elderly-mode/", views.elderly_mode, name="elderly_mode"),
    path("privacy/", privacy_views.privacy_notice, name="privacy"),
    path("privacy/consent/", privacy_views.privacy_consent, name="privacy_consent"),
    path("my-data/", privacy_views.my_data, name="my_data"),
    path("my-data/download.json", privacy_views.my_data_download, name="my_data_download"),
    path("delete-account/", privacy_views.account_delete, name="account_delete"),
]
