"""The shape of the synthetic data set: weights chosen to look like a large force's VAWG reports.

Illustrative, not statistics: they give a realistic mix for demonstrations and tests, nothing more.
"""

LONDON_BOROUGHS = (
    "Barking and Dagenham", "Barnet", "Bexley", "Brent", "Bromley", "Camden", "Croydon", "Ealing", "Enfield",
    "Greenwich", "Hackney", "Hammersmith and Fulham", "Haringey", "Harrow", "Havering", "Hillingdon", "Hounslow",
    "Islington", "Kensington and Chelsea", "Kingston upon Thames", "Lambeth", "Lewisham", "Merton", "Newham",
    "Redbridge", "Richmond upon Thames", "Southwark", "Sutton", "Tower Hamlets", "Waltham Forest", "Wandsworth",
    "Westminster",
)  # fmt: skip

# ONS 2021 codes with rough London-like weights; "" is not stated.
ETHNICITY_WEIGHTS = {
    "W1": 36, "W2": 2, "W3": 0.3, "W4": 14, "A1": 6, "A2": 3, "A3": 3, "A4": 1.5, "A5": 4.5, "B1": 4.5,
    "B2": 8, "B3": 2, "M1": 1.5, "M2": 1, "M3": 1.2, "M4": 1.6, "O1": 1.5, "O2": 4.5, "": 8,
}  # fmt: skip

SEX_WEIGHTS = {"male": 93, "female": 6, "other": 0.3, "unknown": 0.7}

RELATIONSHIP_WEIGHTS = {
    "partner": 34, "ex_partner": 30, "family": 11, "acquaintance": 12, "stranger": 8, "other": 3, "unknown": 2,
}  # fmt: skip
DOMESTIC_RELATIONSHIPS = frozenset({"partner", "ex_partner", "family"})

# Most suspects are named once, for lower-harm offences; a few are named often, for the gravest.
COMMON_OFFENCES = {
    "105/01": 30, "008/06": 18, "8L": 10, "008/67": 8, "008/72": 5, "008/31": 5, "066/39": 4, "58A": 5,
    "88E": 3, "20A": 4, "008/01": 2, "008/65": 2, "008/66": 2, "008/71": 2, "003/01": 1.5, "28E": 1, "034/01": 0.5,
}  # fmt: skip
SERIOUS_OFFENCES = {
    "105/01": 12, "008/06": 14, "008/67": 12, "19C": 8, "008/77": 7, "003/01": 6, "008/65": 5, "008/66": 3,
    "008/01": 6, "005/01": 2.5, "20A": 5, "22A": 2, "036/01": 1, "002/00": 0.4, "19D": 0.6, "20B": 0.6,
    "19E": 0.2, "22B": 0.6, "001/01": 0.05, "004/01": 0.05, "008/31": 4, "066/39": 3,
}  # fmt: skip

RECENT_STATUS_WEIGHTS = {"reported": 45, "investigating": 40, "charged": 5, "nfa": 5, "cancelled": 5}
OLDER_STATUS_WEIGHTS = {
    "reported": 8, "investigating": 20, "charged": 12, "convicted": 18, "nfa": 30, "acquitted": 4, "cancelled": 8,
}  # fmt: skip
RECENT_DAYS = 90
WINDOW_DAYS = 3 * 365
RESTRICTED_SHARE = 0.003
ARCHIVED_SHARE = 0.02
