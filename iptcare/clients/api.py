from datetime import date

from django.core.exceptions import PermissionDenied
from ninja import Query, Router, Schema

from iptcare.audit.services import actor_from_request
from iptcare.clients.selectors import client_get_for, clients_visible_to
from iptcare.core.parsing import ID_MAX

router = Router(tags=["clients"])


class ClientSummaryOut(Schema):
    id: int
    chart_number: str
    display_name: str
    status: str


class ClientOut(ClientSummaryOut):
    legal_name: str
    preferred_name: str
    pronouns: str
    date_of_birth: date
    email: str
    phone: str
    therapists: list[str]


@router.get("", response=list[ClientSummaryOut])
def list_clients(request, limit: int = 50, offset: int = Query(0, le=ID_MAX)):
    if not request.auth.is_clinic_staff:
        raise PermissionDenied
    limit = max(1, min(limit, 200))
    offset = max(0, offset)
    return [
        ClientSummaryOut(
            id=c.pk, chart_number=c.chart_number, display_name=c.display_name, status=c.status
        )
        for c in clients_visible_to(request.auth)[offset : offset + limit]
    ]


@router.get("/{int:client_id}", response=ClientOut)
def get_client(request, client_id: int):
    client = client_get_for(actor=actor_from_request(request), pk=client_id)
    return ClientOut(
        id=client.pk,
        chart_number=client.chart_number,
        display_name=client.display_name,
        status=client.status,
        legal_name=client.legal_name,
        preferred_name=client.preferred_name,
        pronouns=client.pronouns,
        date_of_birth=client.date_of_birth,
        email=client.email,
        phone=client.phone,
        therapists=[t.full_name for t in client.therapists.all()],
    )
