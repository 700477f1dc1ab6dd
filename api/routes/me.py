from ninja import Router, Schema

router = Router(tags=["token"])


class MeOut(Schema):
    user: str
    company: str
    company_id: int
    role: str
    token: str


@router.get("/me", response=MeOut, summary="Who this token acts as")
def me(request):
    token = request.auth
    return MeOut(
        user=token.user.get_username(),
        company=token.company.name,
        company_id=token.company_id,
        role=token.user.membership.role,
        token=token.name,
    )
