"""API endpoints of the scoring app: parse, check the capability, call one service or selector."""

from django.conf import settings
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.accounts.guards import capability_permission
from portal.api.pagination import whole_number_param
from portal.audit.middleware import bind_request_user

from .. import selectors, services
from ..errors import PolicyFrozen
from ..filters import PolicyFilter, RankingFilter, RunFilter
from ..models import OffenderScore, RankingSnapshot, ScoringPolicy, ScoringRun
from ..preview import policy_preview
from .serializers import (
    PolicyActivationSerializer,
    PolicyDetailSerializer,
    PolicyPreviewSerializer,
    PolicySerializer,
    PolicyWriteSerializer,
    RankingRowSerializer,
    RunSerializer,
    SnapshotDetailSerializer,
    SnapshotSerializer,
)


class BoundUserMixin:
    """Put the authenticated user on the audit context once DRF has authenticated the request."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        bind_request_user(request)


class RankingPagination(LimitOffsetPagination):
    """limit/offset (default PORTAL_TOP_N) over the rows scoring.selectors reads for the page too; the
    count is of the bare filtered scores, not the ranked rows."""

    default_limit = settings.PORTAL_TOP_N
    max_limit = 1000

    def get_limit(self, request):
        return whole_number_param(request.query_params, "limit", default=self.default_limit, low=1, high=self.max_limit)

    def get_offset(self, request):
        return whole_number_param(request.query_params, "offset", default=0, low=0)

    def paginate_ranking(self, request, *, filters: RankingFilter) -> list[dict]:
        """What `paginate_queryset` does, with the ranking's own selectors for the count and the page (an
        offset past the end reads nothing: the database need not take a number larger than it can hold)."""
        self.request = request
        self.limit, self.offset = self.get_limit(request), self.get_offset(request)
        self.count = selectors.ranking_count_for(filters=filters)
        if self.count == 0 or self.offset > self.count:
            return []
        return selectors.ranking_rows_for(
            user=request.user, filters=filters, limit=self.limit, offset=self.offset, exact=True
        )


def _conflict(error: PolicyFrozen) -> Response:
    return Response({"detail": " ".join(error.messages)}, status=status.HTTP_409_CONFLICT)


class CurrentRankingView(BoundUserMixin, generics.GenericAPIView):
    """The live ranked list: `?limit=` (default 100), `offset`, and the ranking filters."""

    permission_classes = [capability_permission("ranking.view")]
    serializer_class = RankingRowSerializer
    pagination_class = RankingPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = RankingFilter
    queryset = OffenderScore.objects.none()  # for the schema; rows come from scoring.selectors

    @extend_schema(responses=RankingRowSerializer(many=True))
    def get(self, request):
        filterset = selectors.ranking_filter(user=request.user, params=request.query_params)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        paginator = RankingPagination()
        rows = paginator.paginate_ranking(request, filters=filterset)
        services.ranking_view_record(rows=rows)
        return paginator.get_paginated_response(RankingRowSerializer(rows, many=True).data)


class SnapshotListView(BoundUserMixin, generics.ListAPIView):
    permission_classes = [capability_permission("ranking.view")]
    serializer_class = SnapshotSerializer
    queryset = RankingSnapshot.objects.select_related("policy").order_by("-published_at", "-id")


class SnapshotDetailView(BoundUserMixin, generics.RetrieveAPIView):
    """A published ranking with its entries (`?limit=`, default PORTAL_TOP_N), frozen as published."""

    permission_classes = [capability_permission("ranking.view")]
    serializer_class = SnapshotDetailSerializer
    queryset = SnapshotListView.queryset

    @extend_schema(
        parameters=[OpenApiParameter("limit", OpenApiTypes.INT, description="rows (default the portal's top N)")]
    )
    def get(self, request, *args, **kwargs):
        return self.retrieve(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        snapshot = self.get_object()
        limit = whole_number_param(request.query_params, "limit", default=settings.PORTAL_TOP_N, low=1, high=1000)
        entries = selectors.snapshot_rows(user=request.user, snapshot=snapshot, limit=limit)
        services.snapshot_view_record(snapshot=snapshot, rows=entries)
        return Response(SnapshotDetailSerializer(snapshot, context={"entries": entries}).data)


class PolicyListView(BoundUserMixin, generics.ListCreateAPIView):
    """Scoring policies, newest first; POST creates a draft (admins)."""

    permission_classes = [capability_permission("scoring.view", "policy.edit")]
    serializer_class = PolicySerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = PolicyFilter
    queryset = ScoringPolicy.objects.order_by("-version").prefetch_related(Prefetch("entries"))

    @extend_schema(request=PolicyWriteSerializer, responses={201: PolicyDetailSerializer})
    def post(self, request):
        body = PolicyWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        if "name" not in values:
            raise ValidationError({"name": ["This field is required."]})
        policy = services.policy_create_draft(
            name=values["name"], by=request.user, based_on=values.get("based_on"), notes=values.get("notes", ""),
            parameters=values.get("parameters"), entries=values.get("entries"),
        )  # fmt: skip
        return Response(PolicyDetailSerializer(policy).data, status=status.HTTP_201_CREATED)


class PolicyDetailView(BoundUserMixin, generics.RetrieveAPIView):
    """One policy with its parameters and entries; PATCH only while it is a draft (else 409)."""

    permission_classes = [capability_permission("scoring.view", "policy.edit")]
    serializer_class = PolicyDetailSerializer
    queryset = ScoringPolicy.objects.all()

    @extend_schema(request=PolicyWriteSerializer, responses={200: PolicyDetailSerializer})
    def patch(self, request, pk):
        policy = self.get_object()
        body = PolicyWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        try:
            policy = services.policy_update_draft(
                policy=policy, by=request.user, name=values.get("name"), notes=values.get("notes"),
                parameters=values.get("parameters"), entries=values.get("entries"),
            )  # fmt: skip
        except PolicyFrozen as error:
            return _conflict(error)
        return Response(PolicyDetailSerializer(policy).data)


class PolicyPreviewView(BoundUserMixin, APIView):
    """GET: what the policy would do to the top N (`?top_n=`), against the active one; nothing published."""

    permission_classes = [capability_permission("policy.preview")]

    @extend_schema(
        parameters=[OpenApiParameter("top_n", OpenApiTypes.INT, description="Default: the portal's top N.")],
        responses={200: PolicyPreviewSerializer},
    )
    def get(self, request, pk):
        policy = get_object_or_404(ScoringPolicy, pk=pk)
        top_n = whole_number_param(request.query_params, "top_n", default=settings.PORTAL_TOP_N, low=1, high=1000)
        return Response(PolicyPreviewSerializer(policy_preview(policy=policy, top_n=top_n)).data)


class PolicyStepView(BoundUserMixin, APIView):
    """POST approve or activate; four eyes: never by the author (403)."""

    permission_classes = [capability_permission("scoring.view", "policy.approve")]
    step = ""

    def post(self, request, pk):
        policy = get_object_or_404(ScoringPolicy, pk=pk)
        try:
            if self.step == "approve":
                policy = services.policy_approve(policy=policy, by=request.user)
                return Response(PolicyDetailSerializer(policy).data)
            policy, run = services.policy_activate(policy=policy, by=request.user)
        except PolicyFrozen as error:
            return _conflict(error)
        return Response(PolicyActivationSerializer(policy, context={"run": run}).data)


class PolicyApproveView(PolicyStepView):
    """POST: a second admin approves a draft (never its author or an editor: 403); 409 unless a draft."""

    step = "approve"

    @extend_schema(request=None, responses={200: PolicyDetailSerializer})
    def post(self, request, pk):
        return super().post(request, pk)


class PolicyActivateView(PolicyStepView):
    """POST: an approved policy becomes the active one and a full recompute starts (the `run`)."""

    step = "activate"

    @extend_schema(request=None, responses={200: PolicyActivationSerializer})
    def post(self, request, pk):
        return super().post(request, pk)


class RunListView(BoundUserMixin, generics.ListAPIView):
    """Recompute runs, newest first; POST starts one (202), or returns the one already going."""

    permission_classes = [capability_permission("scoring.view", "recompute.start")]
    serializer_class = RunSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = RunFilter
    queryset = ScoringRun.objects.select_related("policy", "snapshot").order_by("-queued_at", "-id")

    @extend_schema(request=None, responses={202: RunSerializer})
    def post(self, request):
        run, _created = services.run_start(by=request.user, reason="manual")
        return Response(RunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class RunDetailView(BoundUserMixin, generics.RetrieveAPIView):
    permission_classes = [capability_permission("scoring.view")]
    serializer_class = RunSerializer
    queryset = RunListView.queryset
