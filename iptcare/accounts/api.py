from ninja import Router, Schema

router = Router(tags=["accounts"])


class MeOut(Schema):
    email: str
    full_name: str
    roles: list[str]
    clinic: str | None


@router.get("/me", response=MeOut)
def me(request):
    user = request.auth
    return MeOut(
        email=user.email,
        full_name=user.full_name,
        roles=user.roles,
        clinic=user.clinic.name if user.clinic else None,
    )
