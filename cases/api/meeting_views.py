"""Tasking meetings under /api/v1/meetings/: parse, find through the selectors, call one service, answer.

Everyone with a role reads meetings (admin and oversight pseudonymised); supervisors open them, add
referrals, decide items and close them. A decision on a closed meeting, or a second decision on an item,
is a 409 with nothing changed.
"""

from collections.abc import Callable

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.accounts.guards import capability_permission
from portal.api.renderers import CSVRenderer
from portal.exports import csv_response

from ..meetings import (
    meeting_get,
    meeting_item_get,
    meeting_item_to_decide,
    meeting_items,
    meeting_list,
    shows_identities,
)
from ..services.meetings import (
    MeetingConflict,
    meeting_close,
    meeting_decide,
    meeting_minutes_export,
    meeting_open,
    meeting_refer,
)
from .meeting_serializers import (
    DecisionCreateSerializer,
    MeetingCreateSerializer,
    MeetingDetailSerializer,
    MeetingItemSerializer,
    MeetingSerializer,
    ReferralSerializer,
)

ANSWERS = {
    400: OpenApiResponse(description="Field errors (a reason is required for every decision); nothing changed"),
    403: OpenApiResponse(description="Only a supervisor may open, decide and close meetings"),
    404: OpenApiResponse(description="No such meeting or item (or not visible to you)"),
    409: OpenApiResponse(description="The meeting is closed, or the item already has its decision"),
}


def _conflict(error: MeetingConflict) -> Response:
    return Response({"detail": " ".join(error.messages)}, status=status.HTTP_409_CONFLICT)


def _context(request, **extra) -> dict:
    return {"request": request, "identities": shows_identities(request.user), **extra}


def _item_written(request, meeting, write: Callable[[], int]) -> Response:
    """Run one write on an item (it returns the item's id) and answer 201 with the item as read back,
    or 409 when the meeting is closed or the item already decided."""
    try:
        item_id = write()
    except MeetingConflict as error:
        return _conflict(error)
    item = meeting_item_get(user=request.user, meeting=meeting, item_id=item_id)
    return Response(MeetingItemSerializer(item, context=_context(request)).data, status=status.HTTP_201_CREATED)


def _detail(request, meeting_id) -> dict:
    meeting = meeting_get(user=request.user, meeting_id=meeting_id)
    items = meeting_items(user=request.user, meeting=meeting)
    return MeetingDetailSerializer(meeting, context=_context(request, items=items)).data


class MeetingListCreate(generics.ListAPIView):
    """GET the meetings (newest first); POST {"held_on", "chair"} opens one with its agenda (supervisors)."""

    permission_classes = [capability_permission("meeting.view", "meeting.chair")]
    serializer_class = MeetingSerializer
    filter_backends: list = []

    def get_queryset(self):
        return meeting_list(user=self.request.user)

    @extend_schema(request=MeetingCreateSerializer, responses={201: MeetingDetailSerializer, **ANSWERS})
    def post(self, request):
        incoming = MeetingCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        meeting = meeting_open(**incoming.validated_data, by=request.user)
        return Response(_detail(request, meeting.pk), status=status.HTTP_201_CREATED)


class MeetingDetail(APIView):
    """GET one meeting with its agenda and decisions; `?format=csv`: its minutes as CSV, the same columns
    as the minutes page's download (admin and oversight without names and reasons), audited as an export."""

    permission_classes = [capability_permission("meeting.view")]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer]

    @extend_schema(
        parameters=[OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"])],
        responses={200: MeetingDetailSerializer, (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR), **ANSWERS},
    )
    def get(self, request, meeting_id):
        if request.accepted_renderer.format == "csv":
            meeting = meeting_get(user=request.user, meeting_id=meeting_id)
            lines, filename = meeting_minutes_export(meeting=meeting, by=request.user)
            return csv_response(lines, filename=filename)
        return Response(_detail(request, meeting_id))


class MeetingItemList(generics.ListAPIView):
    """GET the agenda (paginated); POST {"offender", "reason"} adds a referral (supervisors)."""

    permission_classes = [capability_permission("meeting.view", "meeting.chair")]
    serializer_class = MeetingItemSerializer
    filter_backends: list = []

    def get_meeting(self):
        return meeting_get(user=self.request.user, meeting_id=self.kwargs["meeting_id"])

    def get_queryset(self):
        return meeting_items(user=self.request.user, meeting=self.get_meeting())

    def get_serializer_context(self):
        return _context(self.request)

    @extend_schema(request=ReferralSerializer, responses={201: MeetingItemSerializer, **ANSWERS})
    def post(self, request, meeting_id):
        meeting = self.get_meeting()
        incoming = ReferralSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        return _item_written(
            request, meeting, lambda: meeting_refer(meeting=meeting, by=request.user, **incoming.validated_data).pk
        )


class MeetingItemDecision(APIView):
    """POST the one decision on an item: task, defer, decline, continue or exit, with a reason."""

    permission_classes = [capability_permission("meeting.chair")]

    @extend_schema(request=DecisionCreateSerializer, responses={201: MeetingItemSerializer, **ANSWERS})
    def post(self, request, meeting_id, item_id):
        meeting = meeting_get(user=request.user, meeting_id=meeting_id)
        item = meeting_item_to_decide(meeting=meeting, item_id=item_id)
        incoming = DecisionCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        data["exit_reason"] = data.get("exit_reason") or ""
        return _item_written(request, meeting, lambda: meeting_decide(item=item, by=request.user, **data).item_id)


class MeetingCloseView(APIView):
    """POST: freeze the meeting (409 while an item is undecided, or when already closed)."""

    permission_classes = [capability_permission("meeting.chair")]

    @extend_schema(request=None, responses={200: MeetingDetailSerializer, **ANSWERS})
    def post(self, request, meeting_id):
        meeting = meeting_get(user=request.user, meeting_id=meeting_id)
        try:
            meeting_close(meeting=meeting, by=request.user)
        except MeetingConflict as error:
            return _conflict(error)
        return Response(_detail(request, meeting.pk))
