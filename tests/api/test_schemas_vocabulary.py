"""The API's fixed vocabularies are the services' own: a code added to one and not the other
would be refused over the API (422) while the local console takes it."""

from __future__ import annotations

from typing import get_args

from console.api.schemas import AnswerIn
from console.services.values import ANSWER_CONCERNS


def test_r_kb_the_confirmations_an_answer_takes_over_the_api_are_the_services() -> None:
    (item,) = get_args(AnswerIn.model_fields["confirmed"].annotation)
    assert set(get_args(item)) == set(ANSWER_CONCERNS)
    assert AnswerIn.model_fields["confirmed"].metadata[0].max_length == len(ANSWER_CONCERNS)
