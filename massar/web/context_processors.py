"""Template context shared by every page of the shell."""


def shell(request):
    return {}
