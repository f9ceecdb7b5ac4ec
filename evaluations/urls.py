from django.urls import path

from evaluations import views

app_name = "evaluations"

urlpatterns = [
    path("evaluator/", views.evaluator, name="evaluator"),
    path("evaluator/pair/", views.evaluator_pair_view, name="evaluator_pair"),
    path("evaluator/unpair/", views.evaluator_unpair, name="evaluator_unpair"),
    path("evaluator/photo/", views.evaluator_photo, name="evaluator_photo"),
    path("r/<str:token>/", views.review, name="review"),
    path("reviews/rectifications/", views.rectifications, name="rectifications"),
]
