from django.urls import path

from stages import views

app_name = "stages"

urlpatterns = [
    path("", views.home, name="home"),
]
