"""JSON bodies as documented models: what a route sends is ``model.wire()``, never a dict built beside it.

``web/`` (vote.js) and ``api/`` both send vote counts, so their model lives here, below both.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Self

from pydantic import BaseModel, Field

from paperboy.community.service import VoteState


class Wire(BaseModel):
    """A response body; ``omit_none`` leaves unknown values out (as Hugging Face does) instead of null."""

    omit_none: ClassVar[bool] = False

    @classmethod
    def trusted(cls, **fields: Any) -> Self:
        """A body from our own typed records, built without validation: the store already guarantees what
        validation would re-check, and on a 100-paper feed validation cost three times the serialisation
        itself. Input from clients is never built this way."""
        return cls.model_construct(**fields)

    def wire(self) -> Any:
        return self.model_dump(mode="json", by_alias=True, exclude_none=self.omit_none)


def wire_list(models: Sequence[Wire]) -> list[Any]:
    return [model.wire() for model in models]


class VoteOut(Wire):
    upvotes: int = Field(description="Total upvotes: `hfUpvotes` + `localUpvotes`, as `upvotes` on a paper.")
    hfUpvotes: int = Field(description="Upvotes imported from Hugging Face, kept as a baseline.")
    localUpvotes: int = Field(description="Upvotes cast on this site, one per account.")
    voted: bool = Field(description="Whether you have upvoted the paper now.")

    @classmethod
    def of(cls, state: VoteState) -> VoteOut:
        """The counts right after a vote."""
        return cls(
            upvotes=state.upvotes,
            hfUpvotes=state.hf_upvotes,
            localUpvotes=state.local_upvotes,
            voted=state.voted,
        )
