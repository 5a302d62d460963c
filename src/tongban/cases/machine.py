"""The case lifecycle as one table: which action moves a case from which states to which,
and who may take it. Drawn in `docs/cases.md`.

`who` is "applicant", a workflow step (the catalogue item's `workflow` says which staff role
acts at it; `DEFAULT_WORKFLOW` otherwise), or a staff role.
"""

from dataclasses import dataclass

from tongban.cases.constants import WITHDRAWABLE, Action, Status
from tongban.catalog.constants import StaffRole, WorkflowStep

S = Status
IN_REVIEW = frozenset({S.ACCEPTED, S.REVIEWED})
DECIDED = frozenset({S.APPROVED, S.REFUSED, S.NOT_ACCEPTED})
BEFORE_ACCEPTANCE = frozenset({S.RECEIVED, S.CORRECTION_REQUESTED})


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str | None  # None: the status does not change
    who: str


TRANSITIONS: dict[str, Transition] = {
    Action.SUBMIT: Transition(frozenset({S.DRAFT}), S.RECEIVED, "applicant"),
    Action.SUPPLEMENT: Transition(
        frozenset({S.CORRECTION_REQUESTED}), S.RECEIVED, "applicant"
    ),
    Action.WITHDRAW: Transition(WITHDRAWABLE, S.WITHDRAWN, "applicant"),
    Action.REQUEST_CORRECTION: Transition(
        frozenset({S.RECEIVED}), S.CORRECTION_REQUESTED, WorkflowStep.ACCEPT
    ),
    Action.ACCEPT: Transition(frozenset({S.RECEIVED}), S.ACCEPTED, WorkflowStep.ACCEPT),
    Action.REFUSE_INTAKE: Transition(
        frozenset({S.RECEIVED}), S.NOT_ACCEPTED, WorkflowStep.ACCEPT
    ),
    Action.REVIEW: Transition(frozenset({S.ACCEPTED}), S.REVIEWED, WorkflowStep.REVIEW),
    Action.APPROVE: Transition(
        frozenset({S.REVIEWED}), S.APPROVED, WorkflowStep.DECIDE
    ),
    Action.REFUSE: Transition(frozenset({S.REVIEWED}), S.REFUSED, WorkflowStep.DECIDE),
    Action.EXTEND: Transition(IN_REVIEW, None, StaffRole.DEPARTMENT_HEAD),
    Action.SPECIAL_START: Transition(IN_REVIEW, None, WorkflowStep.REVIEW),
    Action.SPECIAL_END: Transition(IN_REVIEW, None, WorkflowStep.REVIEW),
    Action.CLOSE: Transition(
        DECIDED | {S.CORRECTION_REQUESTED}, S.CLOSED, WorkflowStep.DELIVER
    ),
    Action.DELIVER: Transition(DECIDED | {S.CLOSED}, None, WorkflowStep.DELIVER),
    # Before acceptance only: to the department that may handle it (转办), or set aside
    # by the head when it should never have been made, e.g. a duplicate (作废).
    Action.FORWARD: Transition(BEFORE_ACCEPTANCE, S.CLOSED, WorkflowStep.ACCEPT),
    Action.VOID: Transition(BEFORE_ACCEPTANCE, S.CLOSED, StaffRole.DEPARTMENT_HEAD),
}

STAFF_ACTIONS = [a for a, t in TRANSITIONS.items() if t.who != "applicant"]

DEFAULT_WORKFLOW: dict[str, str] = {
    WorkflowStep.RECEIVE: StaffRole.INTAKE_CLERK,
    WorkflowStep.ACCEPT: StaffRole.INTAKE_CLERK,
    WorkflowStep.REVIEW: StaffRole.REVIEWER,
    WorkflowStep.DECIDE: StaffRole.APPROVER,
    WorkflowStep.ISSUE: StaffRole.LICENCE_OFFICER,
    WorkflowStep.DELIVER: StaffRole.INTAKE_CLERK,
}


def role_for(who: str, workflow: dict[str, str]) -> str:
    """The staff role that takes an action, from the item's workflow or the default."""
    if who in StaffRole.values:
        return who
    return workflow.get(who) or DEFAULT_WORKFLOW[who]


def mermaid() -> str:
    """The machine as a Mermaid state diagram (for docs/cases.md)."""
    lines = ["stateDiagram-v2", "    [*] --> draft"]
    for action, transition in TRANSITIONS.items():
        for source in sorted(transition.sources):
            target = transition.target or source
            lines.append(f"    {source} --> {target}: {action}")
    lines.append("    closed --> [*]")
    lines.append("    withdrawn --> [*]")
    return "\n".join(lines)
