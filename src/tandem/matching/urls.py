from tandem.matching import request_urls, run_urls

app_name = "matching"

urlpatterns = request_urls.urlpatterns + run_urls.urlpatterns
