from accounts.views import ELDERLY_COOKIE


def elderly_mode(request):
    user = getattr(request, "user", None)
    enabled = bool(user is not None and user.is_authenticated and user.elderly_mode)
    return {"elderly_mode": enabled or request.COOKIES.get(ELDERLY_COOKIE) == "1"}
