"""The wire format lives once, in kiosk_core.wire: the centre's validating models say the same fields."""

from __future__ import annotations

from kiosk_central.services import payloads
from kiosk_core import wire


def test_each_event_kind_has_one_payload_with_the_same_fields_on_both_sides() -> None:
    assert set(payloads.EVENT_MODELS) == set(wire.EventKind) == set(wire.PAYLOADS)
    for kind in wire.EventKind:
        counter = set(wire.PAYLOADS[kind].__annotations__)
        centre = set(payloads.PAYLOAD_MODELS[kind].model_fields)
        assert counter == centre, (kind, counter ^ centre)


def test_a_batch_item_is_what_the_centre_takes() -> None:
    assert set(wire.BatchItem.__annotations__) == set(payloads.BatchItem.model_fields)


def test_answers_map_to_results() -> None:
    assert wire.result_of(201) is wire.EventResult.ACCEPTED
    assert wire.result_of(200) is wire.EventResult.ACCEPTED
    assert wire.result_of(409) is wire.EventResult.REJECTED
    assert wire.result_of(422) is wire.EventResult.INVALID


def test_the_draw_records_are_what_the_centre_documents() -> None:
    from kiosk_central.api import schemas_draws

    for counter, centre in (
        (wire.DrawSourceSpec, schemas_draws.DrawSourceSpec),
        (wire.DrawRecord, schemas_draws.DrawRecord),
        (wire.DrawOutcomeRow, schemas_draws.DrawOutcomeRow),
    ):
        assert set(counter.__annotations__) == set(centre.model_fields), (
            counter,
            set(counter.__annotations__) ^ set(centre.model_fields),
        )
