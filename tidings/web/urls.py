from django.urls import path

from tidings.web.views import placeholder

app_name = "web"

urlpatterns = [
    path("", placeholder, name="home"),
    path("public", placeholder, name="public"),
    path("login", placeholder, name="login"),
    path("tags/<str:name>", placeholder, name="hashtag"),
    path("@<str:handle>", placeholder, name="profile"),
]
