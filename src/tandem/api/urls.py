from django.http import Http404
from django.urls import path

app_name = "api_tokens"


def token_list(request):
    raise Http404("Tokens are being built")


urlpatterns = [path("", token_list, name="list")]
