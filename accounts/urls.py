from django.urls import path

from accounts import views

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
]
