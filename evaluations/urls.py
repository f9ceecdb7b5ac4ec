from django.urls import path

from evaluations import desk_views, views

app_name = "evaluations"

urlpatterns = [
    path("evaluator/", views.evaluator, name="evaluator"),
    path("evaluator/pair/", views.evaluator_pair_view, name="evaluator_pair"),
    path("evaluator/unpair/", views.evaluator_unpair, name="evaluator_unpair"),
    path("evaluator/photo/", views.evaluator_photo, name="evaluator_photo"),
    path("r/<str:token>/", views.review, name="review"),
    path("reviews/results/", views.results, name="results"),
    path("portal/reviews/", views.my_reviews, name="my_reviews"),
    path("reviews/rectifications/", desk_views.rectifications, name="rectifications"),
    path("reviews/<id:review_id>/", desk_views.review_detail, name="review_detail"),
    path("reviews/<id:review_id>/step/", desk_views.rectification_step, name="rectification_step"),
    path("reviews/<id:review_id>/appeal/", desk_views.appeal_file_view, name="appeal_file"),
    path("reviews/<id:review_id>/appeal/decide/", desk_views.appeal_decide_view, name="appeal_decide"),
]
