from django.http import Http404


def import_start(request):
    raise Http404("Import is being built")
