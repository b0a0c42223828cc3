"""The orders register under /api/v1/orders/: list and record orders, change one, record a breach
(docs/offenders.md). Reads go through restrict() and are audited; writes through one service each."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.accounts.guards import capability_permission
from portal.api.writes import created_or_conflict
from portal.audit.services import audit_record

from ..choices import OrderKind
from ..models import OrderBreach, ProtectiveOrder, Victim
from ..selectors import offender_list, order_get_or_refuse, order_list
from ..services.orders import CONDITIONS_MAX, OrderNotInForce, order_breach_record, order_create, order_update

REFUSALS = {
    400: OpenApiResponse(description="Field errors; nothing was changed"),
    403: OpenApiResponse(description="Your role does not allow this, or the offender is restricted"),
    404: OpenApiResponse(description="No such order"),
}


class BreachSerializer(serializers.ModelSerializer):
    crime_ref = serializers.CharField(source="offence.crime_ref", read_only=True)

    class Meta:
        model = OrderBreach
        fields = ["id", "order", "offence", "crime_ref", "occurred_on", "created_at"]
        read_only_fields = fields


class OrderSerializer(serializers.ModelSerializer):
    protected_victims: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    breaches = BreachSerializer(many=True, read_only=True)

    class Meta:
        model = ProtectiveOrder
        fields = [
            "id", "offender", "kind", "starts_on", "ends_on", "conditions", "protected_victims", "breaches",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class OrderCreateSerializer(serializers.Serializer):
    offender = serializers.PrimaryKeyRelatedField(queryset=ProtectiveOrder.objects.none())
    kind = serializers.ChoiceField(choices=OrderKind.choices)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    conditions = serializers.CharField(required=False, allow_blank=True, max_length=CONDITIONS_MAX, default="")
    protected_victims = serializers.PrimaryKeyRelatedField(
        queryset=Victim.objects.all(), many=True, required=False, default=list
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        self.fields["offender"].queryset = offender_list(user=request.user if request else None)


class OrderUpdateSerializer(serializers.Serializer):
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False, allow_null=True)
    conditions = serializers.CharField(required=False, allow_blank=True, max_length=CONDITIONS_MAX)
    protected_victims = serializers.PrimaryKeyRelatedField(queryset=Victim.objects.all(), many=True, required=False)


class BreachCreateSerializer(serializers.Serializer):
    occurred_on = serializers.DateField()
    crime_ref = serializers.CharField(max_length=64)
    victim = serializers.PrimaryKeyRelatedField(queryset=Victim.objects.all(), required=False, allow_null=True)


def _order_view_record(*, order: ProtectiveOrder | None = None, query: dict | None = None) -> None:
    if order is not None:
        audit_record(action="order.view", target=order)
    else:
        audit_record(action="order.list", target_type="offenders.protectiveorder", changes={"query": query or {}})


class OrderList(generics.ListAPIView):
    """GET the orders you may read (`?offender=` to filter); POST records one."""

    permission_classes = [capability_permission("order.view", "order.edit")]
    serializer_class = OrderSerializer
    filter_backends: list = []

    def get_queryset(self):
        orders = order_list(user=self.request.user)
        offender = self.request.GET.get("offender", "")
        return orders.filter(offender_id=int(offender)) if offender.isdigit() else orders

    def list(self, request, *args, **kwargs):
        _order_view_record(query=request.GET.dict())
        return super().list(request, *args, **kwargs)

    @extend_schema(request=OrderCreateSerializer, responses={201: OrderSerializer, **REFUSALS})
    def post(self, request):
        incoming = OrderCreateSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        order = order_create(**incoming.validated_data, by=request.user)
        return Response(OrderSerializer(order_get_or_refuse(user=request.user, pk=order.pk)).data, status=201)


class OrderDetail(APIView):
    """GET one order with its breaches; PATCH its dates, conditions or protected victims."""

    permission_classes = [capability_permission("order.view", "order.edit")]

    @extend_schema(responses={200: OrderSerializer, **REFUSALS})
    def get(self, request, order_id):
        order = order_get_or_refuse(user=request.user, pk=order_id)
        _order_view_record(order=order)
        return Response(OrderSerializer(order).data)

    @extend_schema(request=OrderUpdateSerializer, responses={200: OrderSerializer, **REFUSALS})
    def patch(self, request, order_id):
        order = order_get_or_refuse(user=request.user, pk=order_id, capability="order.edit")
        incoming = OrderUpdateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        order_update(order=order, by=request.user, **incoming.validated_data)
        return Response(OrderSerializer(order_get_or_refuse(user=request.user, pk=order.pk)).data)


class OrderBreachCreate(APIView):
    """POST {"occurred_on", "crime_ref"} (optionally "victim"): a breach, recorded as the offence it is."""

    permission_classes = [capability_permission("order.edit")]

    @extend_schema(
        request=BreachCreateSerializer,
        responses={
            201: BreachSerializer,
            409: OpenApiResponse(description="The order was not in force then"),
            **REFUSALS,
        },
    )
    def post(self, request, order_id):
        order = order_get_or_refuse(user=request.user, pk=order_id, capability="order.edit")
        incoming = BreachCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        return created_or_conflict(
            lambda: order_breach_record(order=order, by=request.user, **incoming.validated_data),
            conflict=OrderNotInForce,
            answer=lambda breach: BreachSerializer(breach).data,
        )
