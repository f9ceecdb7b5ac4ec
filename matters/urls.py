from django.urls import path

from matters import views

app_name = "matters"
urlpatterns = [
    path("guide/", views.guide, name="guide"),
    path("guide/matters/<id:matter_id>/", views.guide_matter, name="guide_matter"),
    path("guide/bundles/<id:bundle_id>/", views.guide_bundle, name="guide_bundle"),
    path("guide/materials/<id:material_id>/<slug:kind>/", views.material_file, name="material_file"),
    path("guide/matters/<id:matter_id>/apply/", views.apply_online, name="apply"),
    path("portal/cases/", views.my_cases, name="my_cases"),
    path("portal/cases/<id:case_id>/", views.my_case, name="my_case"),
    path("cases/", views.case_desk, name="case_desk"),
    path("cases/<id:case_id>/", views.case_page, name="case"),
    path("cases/<id:case_id>/<slug:action>/", views.case_action, name="case_action"),
    path("extensions/<id:extension_id>/decide/", views.extension_decide, name="extension_decide"),
]
