"""Default wording of the public pages and the fixed lists of the intake form and the
self-reflection. A clinic rewrites the wording in its own words; the lists follow the
seed clinic."""

from __future__ import annotations

TAGLINE = "Interpersonal Psychotherapy for depression and life's hard changes"

WELCOME = (
    "Feeling low often has to do with what is happening between us and the people who "
    "matter to us: a loss, a conflict, a big change, or feeling alone.\n\n"
    "We offer Interpersonal Psychotherapy (IPT), a short, focused and well-studied "
    "treatment for depression, in person and online."
)

ABOUT_IPT = (
    "Interpersonal Psychotherapy (IPT) is a time-limited talking therapy. It starts from a "
    "simple idea: our mood and our relationships affect each other. When we work on what "
    "is going on with the people in our life, mood often lifts too.\n\n"
    "IPT has been studied for over forty years and is recommended for depression in "
    "adults and adolescents."
)

WHAT_TO_EXPECT = (
    "IPT usually takes 12 to 20 weekly sessions of about 50 minutes. We agree on the number "
    "with you at the start, so you always know where you are.\n\n"
    "In the first 1 to 3 sessions we look at your symptoms and mood, the people in your "
    "life, and the changes or events around the time you started to feel this way. "
    "Together we find the interpersonal triggers and choose one or two focus areas.\n\n"
    "In the middle sessions we work on that focus: what happened, how you felt, what you "
    "would like to be different, and how to try it. The last sessions review what has "
    "changed and plan how to keep well."
)

FOCUS_GRIEF = (
    "When someone close to you has died and the grief feels stuck, too heavy, or postponed."
)
FOCUS_ROLE_DISPUTE = (
    "When you and someone important to you (a partner, parent, child, friend or colleague) "
    "expect different things from each other and keep clashing or have stopped talking."
)
FOCUS_ROLE_TRANSITION = (
    "When a life change (a new job or losing one, a move, a separation, becoming a parent, "
    "retirement, an illness) has left you struggling to find your footing, even when the "
    "change was wanted."
)
FOCUS_FOURTH = (
    "When relationships have long felt hard to start or keep, and loneliness has become "
    "part of the low mood."
)

ADAPTATIONS = (
    "IPT-A for adolescents aged 13 to 18, with a parent or guardian involved.\n"
    "Brief IPT (8 sessions) when time is short.\n"
    "Maintenance sessions, monthly, to stay well after a course."
)

FEES_NOTE = (
    "Fees are per session. Sessions with a practicum student, supervised by a registered "
    "therapist, cost less. Many extended health plans cover registered social workers and "
    "psychotherapists; we give you a receipt for your insurer after each session."
)

CONTACT_NOTE = "We answer messages on weekdays, usually within two business days."

# The seed clinic's list of life changes, in its order.
LIFE_CHANGES = [
    ("job_loss", "Job loss"),
    ("new_job", "New job"),
    ("divorce", "Divorce"),
    ("relationship_breakdown", "Relationship breakdown"),
    ("death_in_family", "Death in the family"),
    ("pregnancy", "Pregnancy"),
    ("miscarriage", "Miscarriage"),
    ("moving_homes", "Moving homes"),
    ("starting_school", "Starting school"),
    ("other", "Other"),
]

PREFERRED_TIMES = [
    ("weekday_morning", "Weekday mornings"),
    ("weekday_afternoon", "Weekday afternoons"),
    ("weekday_evening", "Weekday evenings"),
    ("weekend", "Weekends"),
]

# "Do these issues affect work, home, family and romantic life, and how much?"
IMPACT_SPHERES = [
    ("work", "Work or school"),
    ("home", "Home"),
    ("family", "Family"),
    ("romantic", "Romantic life"),
]

# Life areas the client rates for distress or tension, 0 (none) to 10 (extreme).
LIFE_AREAS = [
    ("partner", "Partner or spouse"),
    ("family", "Parents, siblings or other family"),
    ("children", "Children or parenting"),
    ("friends", "Friends"),
    ("work", "Work or school"),
    ("money", "Money"),
    ("health", "Health"),
    ("home", "Home or housing"),
    ("loss", "A death or loss"),
    ("change", "A recent change in my life"),
    ("loneliness", "Loneliness"),
    ("community", "Community, culture or faith"),
]
