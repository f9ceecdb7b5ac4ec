from django.urls import path

from matters import api

urlpatterns = [
    path("matters/", api.MatterListView.as_view(), name="api-matters"),
    path("matters/<id:matter_id>/", api.MatterDetailView.as_view(), name="api-matter"),
    path("themes/", api.ThemeListView.as_view(), name="api-themes"),
    path("bundles/", api.BundleListView.as_view(), name="api-bundles"),
    path("bundles/<id:bundle_id>/", api.BundleDetailView.as_view(), name="api-bundle"),
    path("cases/", api.CaseListView.as_view(), name="api-cases"),
    path("cases/<id:case_id>/", api.CaseDetailView.as_view(), name="api-case"),
    path("cases/<id:case_id>/accept/", api.CaseAcceptView.as_view(), name="api-case-accept"),
    path("cases/<id:case_id>/decline/", api.CaseDeclineView.as_view(), name="api-case-decline"),
    path("cases/<id:case_id>/correction/", api.CaseCorrectionView.as_view(), name="api-case-correction"),
    path("cases/<id:case_id>/resubmit/", api.CaseResubmitView.as_view(), name="api-case-resubmit"),
    path("cases/<id:case_id>/extension/", api.CaseExtensionView.as_view(), name="api-case-extension"),
    path("cases/<id:case_id>/conclude/", api.CaseConcludeView.as_view(), name="api-case-conclude"),
    path("cases/<id:case_id>/deliver/", api.CaseDeliverView.as_view(), name="api-case-deliver"),
    path("extensions/<id:extension_id>/decide/", api.ExtensionDecideView.as_view(), name="api-extension-decide"),
    path("my/cases/", api.MyCaseListView.as_view(), name="api-my-cases"),
    path("my/cases/<id:case_id>/", api.MyCaseDetailView.as_view(), name="api-my-case"),
]
