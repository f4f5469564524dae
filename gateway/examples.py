"""Examples of the gateway's own OpenAPI document (``shared.openapi_doc``), by schema name and,
for a body with no named schema, by operation id.

Real answers of the suite seeded with the region's documents (the follow-up view of HSN for
2024, the overview of 2024, the follow-up calendar), lists cut to one item; request bodies
are what those answers were loaded or written with. HSN's decision on its 2024 report is an
illustration (the seeds do not date it). Long because it is data, one example per body the
API takes or gives. Made by ``python -m tests.openapi_examples``;
``tests/gateway/test_openapi.py`` checks each against its schema.
"""

from shared.openapi_doc import Examples

EXAMPLES = Examples(
    schemas={
        "Health": {"status": "ok"},
        "Readiness": {
            "status": "ready",
            "upstreams": {
                "indicators": {"state": "ready", "breaker": "closed", "detail": None},
                "assignments": {"state": "ready", "breaker": "closed", "detail": None},
                "budget": {"state": "ready", "breaker": "closed", "detail": None},
            },
            "store": {"state": "ready", "detail": None},
        },
        "OrgUnitPage": {
            "items": [{"code": "REGION", "name": "Region Skåne", "kind": "region"}],
            "next_cursor": None,
            "next": None,
        },
        "FollowUpView": {
            "org_unit": "HSN",
            "name": "Hälso- och sjukvårdsnämnden",
            "period": "2024",
            "indicator_org_unit": "REGION",
            "goals": [
                {
                    "code": "G1",
                    "goal": "Bättre liv och hälsa för fler",
                    "areas": [
                        {
                            "code": "G1.A1",
                            "area": "Högt förtroende för god och jämlik vård",
                            "verdict": {
                                "area": "Högt förtroende för god och jämlik vård",
                                "evaluated": 30,
                                "met": 13,
                                "share": 0.4333,
                                "verdict": "not_met",
                                "goal": "Bättre liv och hälsa för fler",
                                "indicators": 7,
                                "with_target": 35,
                            },
                            "delmal": [
                                {
                                    "code": "G1.A1.D1",
                                    "delmal": "Befolkningens uppfattning "
                                    "och patienternas "
                                    "upplevelse av hälso- och "
                                    "sjukvård ska förbättras.",
                                    "indicators": [
                                        {
                                            "indicator": "ID0285",
                                            "name": "Helhetsintryck (NPE)",
                                            "evaluations": [
                                                {
                                                    "indicator": "ID0285",
                                                    "name": "Helhetsintryck (NPE)",
                                                    "org_unit": "HSN",
                                                    "period": "2024",
                                                    "breakdown": "akutmottagningar",
                                                    "value": 82.9,
                                                    "target": {
                                                        "expression": "NPE: förbättring ≥1,0 enhet",
                                                        "year": 2024,
                                                        "source": "region",
                                                        "org_unit": None,
                                                        "kind": "npe_improvement",
                                                    },
                                                    "status": "met",
                                                    "compared_with": {
                                                        "period": "2023",
                                                        "value": 81.3,
                                                    },
                                                    "value_org_unit": "REGION",
                                                    "coverage": None,
                                                    "coverage_note": None,
                                                    "months": None,
                                                    "unit": "index_score",
                                                    "direction": "higher_is_better",
                                                    "result_status": "final",
                                                    "aggregated": False,
                                                }
                                            ],
                                        }
                                    ],
                                }
                            ],
                        }
                    ],
                }
            ],
            "areas": [
                {
                    "area": "Högt förtroende för god och jämlik vård",
                    "evaluated": 30,
                    "met": 13,
                    "share": 0.4333,
                    "verdict": "not_met",
                    "goal": "Bättre liv och hälsa för fler",
                    "indicators": 7,
                    "with_target": 35,
                }
            ],
            "assignments": [
                {
                    "id": "UP2023-001",
                    "title": "Befolkningens uppfattning och Patienternas "
                    "upplevelse av hälso- och sjukvård ska "
                    "förbättras.",
                    "goal": "Bättre liv och hälsa för fler",
                    "area": "Högt förtroende för god och jämlik vård",
                    "year_given": 2023,
                    "lead_org_unit": "HSN",
                    "lead_text": None,
                    "deadline": None,
                    "deadline_text": None,
                    "latest_status": None,
                    "latest_report": None,
                    "reported": False,
                    "status_as_of": "2024-12-31",
                    "carried_over": True,
                    "kind": "assignment",
                    "section": "health_care",
                    "year_given_stated": False,
                    "continued": False,
                    "source": None,
                    "org_units": ["HSN"],
                    "earmarked": None,
                    "version": 1,
                    "created_at": "2026-12-02T13:55:19.685227Z",
                    "updated_at": "2026-12-02T13:55:19.685227Z",
                    "change_seq": 1,
                }
            ],
            "economy": {
                "grant": 16074700000,
                "budget_result": None,
                "budget_result_to_date": None,
                "outcome_result": 85300000,
                "deviation": None,
                "forecast_result": None,
                "forecast_deviation": None,
                "meets_budget_rule": None,
                "meets_budget_rule_basis": None,
                "total": {
                    "budget": None,
                    "outcome": {
                        "revenue": None,
                        "cost": None,
                        "result": 85300000,
                        "month": "2024-12",
                        "note": "The per-area table "
                        '("tabellen ovan") is '
                        "missing from the text "
                        "extraction. The running "
                        "text gives deviations only "
                        "for läkemedelsförmånen "
                        "(+77,1), tandvård (-161), "
                        "klinikläkemedel (+189), "
                        "specialistvårdval "
                        "rekvisition (-27,1), "
                        "smittskydd (+19,8) and "
                        "sällsynta diagnoser/ATMP "
                        "(+173,1); nothing for köpt "
                        "vård från andra regioner, "
                        "EU-vård, avtalad vård i "
                        "privat regi, ambulans, "
                        "specialistvårdval, "
                        "forskning, migration, "
                        "revenue or the unused "
                        "tilläggsbudget. The lines "
                        "therefore do not reproduce "
                        "the result, and the report "
                        "states no budgeted result "
                        "to compare it with.",
                        "derived": False,
                        "derivation": None,
                        "source_text": "Det ekonomiska "
                        "utfallet för HSN "
                        "2024 var 85,3 "
                        "miljoner kronor, och "
                        "specificeras med "
                        "intäkter och "
                        "kostnader per "
                        "budgetområde i "
                        "tabellen ovan",
                        "mnkr": {"result": "85,3"},
                    },
                    "forecast": None,
                    "outcome_months": 12,
                    "missing": ["budget"],
                    "explanation": "Stated for HSN 2024: outcome "
                    "result 85,3 mnkr through "
                    "2024-12. No budget total is "
                    "stated, so the deviation and the "
                    "budget rule cannot be judged.",
                },
                "line_sums": {
                    "lines": 4,
                    "compared": 2,
                    "budget_result": -6385500000,
                    "budget_result_to_date": -6385500000,
                    "outcome_result": -6428300000,
                    "deviation": -83900000,
                    "forecast_result": -560800000,
                    "forecast_deviation": 0,
                    "mnkr": {
                        "budget_result": "-6 385,5",
                        "budget_result_to_date": "-6 385,5",
                        "outcome_result": "-6 428,3",
                        "deviation": "-83,9",
                        "forecast_result": "-560,8",
                        "forecast_deviation": "0,0",
                    },
                },
                "lines": [
                    {
                        "line": "ambulans_upphandlad",
                        "label": "Upphandlad ambulanssjukvård (budget ej angiven)",
                        "counterparty": "external",
                        "budget": None,
                        "budget_result": None,
                        "budget_result_to_date": None,
                        "outcome": {"revenue": 0, "cost": 519700000, "result": -519700000},
                        "outcome_result": -519700000,
                        "deviation": None,
                        "forecast_result": None,
                        "forecast_deviation": None,
                        "meets_budget_rule": None,
                        "forecast": None,
                        "meets_budget_rule_basis": None,
                        "reported_deviation": None,
                        "mnkr": {"outcome_result": "-519,7"},
                    }
                ],
                "reported": {
                    "deviations": [
                        {
                            "line": "kliniklakemedel_inkl_solidariskt_finansierade",
                            "label": "Klinikläkemedel "
                            "inklusive "
                            "nationellt "
                            "solidariskt "
                            "finansierade "
                            "klinikläkemedel",
                            "deviation": 189000000,
                            "share_bp": None,
                            "deviation_mnkr": "189,0",
                            "has_budget_line": False,
                            "source_text": "Klinikläkemedel "
                            "inklusive "
                            "nationellt "
                            "solidariskt "
                            "finansierade "
                            "klinikläkemedel "
                            "hade ett "
                            "överskott på "
                            "189 miljoner "
                            "kronor, medan "
                            "specialistvårdvalens "
                            "rekvisitionskostnader "
                            "ökade med 6,3 "
                            "procent, "
                            "vilket gav "
                            "ett "
                            "underskott på "
                            "27,1 "
                            "miljoner.",
                        }
                    ],
                    "figures": [
                        {
                            "figure": "alf_medel",
                            "item": None,
                            "measure": "change",
                            "amount": None,
                            "share_bp": -500,
                            "label": "ALF-medel (statlig "
                            "ersättning för klinisk "
                            "forskning, Region "
                            "Skåne och Lunds "
                            "universitet "
                            "gemensamt), förändring "
                            "mot 2023",
                            "id": "HSN/2024/alf_medel/-/change",
                            "org_unit": "HSN",
                            "year": 2024,
                            "amount_mnkr": None,
                            "approximate": True,
                            "value_year": None,
                            "line": None,
                            "about_org_units": ["REGION"],
                            "derived": False,
                            "derivation": None,
                            "source_text": "Statlig "
                            "ersättning för "
                            "klinisk "
                            "forskning som "
                            "tilldelas Region "
                            "Skåne och Lunds "
                            "universitet "
                            "gemensamt "
                            "(ALF-medel) "
                            "minskade med "
                            "cirka 5 procent "
                            "under 2024 "
                            "jämfört med "
                            "2023.",
                            "updated_at": "2026-12-02T13:55:20.756394Z",
                            "change_seq": 57,
                        }
                    ],
                    "result": {
                        "budget_result": None,
                        "budget_result_stated": False,
                        "outcome_result": 85300000,
                        "deviation": None,
                        "reproducible_from_lines": False,
                        "note": "The per-area table "
                        '("tabellen ovan") is '
                        "missing from the text "
                        "extraction. The running "
                        "text gives deviations "
                        "only for "
                        "läkemedelsförmånen "
                        "(+77,1), tandvård (-161), "
                        "klinikläkemedel (+189), "
                        "specialistvårdval "
                        "rekvisition (-27,1), "
                        "smittskydd (+19,8) and "
                        "sällsynta diagnoser/ATMP "
                        "(+173,1); nothing for "
                        "köpt vård från andra "
                        "regioner, EU-vård, "
                        "avtalad vård i privat "
                        "regi, ambulans, "
                        "specialistvårdval, "
                        "forskning, migration, "
                        "revenue or the unused "
                        "tilläggsbudget. The lines "
                        "therefore do not "
                        "reproduce the result, and "
                        "the report states no "
                        "budgeted result to "
                        "compare it with.",
                        "source_text": "Det ekonomiska "
                        "utfallet för HSN "
                        "2024 var 85,3 "
                        "miljoner kronor, "
                        "och specificeras "
                        "med intäkter och "
                        "kostnader per "
                        "budgetområde i "
                        "tabellen ovan",
                        "mnkr": {"outcome_result": "85,3"},
                    },
                },
                "org_unit": "HSN",
                "year": 2024,
                "through": "2024-12",
                "months": 12,
                "grant_subtotals": {
                    "base": 14688300000,
                    "indexation": 768200000,
                    "efficiency": 0,
                    "transfer": -76600000,
                    "other": 48800000,
                    "total_excluding_supplementary": 15428700000,
                    "increase": 740400000,
                    "supplementary": 646000000,
                    "supplementary_used": 463300000,
                    "supplementary_unused": 182700000,
                    "total_with_used_supplementary": 15892000000,
                },
                "coverage": {
                    "lines": 4,
                    "compared": 2,
                    "without_budget": ["ambulans_upphandlad"],
                    "without_outcome": ["kopt_vard_andra_regioner"],
                },
                "earmarked": {
                    "items": [
                        {
                            "id": "HSN-2024-01",
                            "org_unit": "HSN",
                            "year": 2024,
                            "kind": "tillaggsbudget_anvandning",
                            "purpose": "Kompensation till "
                            "sjukhusstyrelser med "
                            "operationsverksamhet "
                            "för "
                            "samordningskostnader "
                            "(samordna patienter "
                            "till annan "
                            "vårdgivare, i "
                            "praktiken "
                            "vårdgarantiavtal)",
                            "amount": 320000000,
                            "used_amount": 320000000,
                            "line": None,
                            "assignment_id": None,
                            "allocation_key": "Per "
                            "sjukhusstyrelse "
                            "med "
                            "operationsverksamhet, "
                            "efter "
                            "sjukhusets "
                            "andel av de "
                            "totala "
                            "samordningskostnaderna "
                            "(i praktiken "
                            "kostnader för "
                            "vårdgarantiavtalen)",
                            "decision": "RF 2024-06-11; HSN 2024-10-03",
                            "counterparty": "internal",
                            "co_org_units": [],
                            "updated_at": "2026-12-02T13:56:24.751520Z",
                            "change_seq": 63,
                        }
                    ],
                    "amount_total": 380700000,
                    "used_total": 380700000,
                    "amount_not_stated": 1,
                },
                "mnkr": {"grant": "16 074,7", "outcome_result": "85,3"},
            },
            "forecast_rounds": {
                "through": "2024-12",
                "rounds": [
                    {
                        "round": "mars",
                        "made_in": "2024-03",
                        "made": False,
                        "lines": 0,
                        "total_result": None,
                    }
                ],
                "latest_round": "augusti",
                "previous_round": None,
                "total": {
                    "budget_result": None,
                    "forecast_result": None,
                    "deviation": None,
                    "previous_forecast_result": None,
                    "movement": None,
                    "mnkr": {},
                },
                "lines": [
                    {
                        "budget_result": None,
                        "forecast_result": None,
                        "deviation": None,
                        "previous_forecast_result": None,
                        "movement": None,
                        "mnkr": {},
                        "line": "ambulans_upphandlad",
                        "label": "Upphandlad ambulanssjukvård (budget ej angiven)",
                    }
                ],
                "org_unit": "HSN",
                "year": 2024,
                "latest_made_in": "2024-08",
                "previous_made_in": None,
            },
            "goal_tree": {
                "state": "ok",
                "problem": None,
                "id": "2021",
                "name": "Region Skånes uppdrag för hälso- och sjukvård 2021",
                "source": "Seed 000 (Region Skånes uppdrag för hälso- "
                "och sjukvård 2021) with the quality annex of "
                "HSN verksamhetsberättelse 2024 (seed 002) and "
                "Uppföljningsplan 2023 (seed 004): "
                "shared/reference/goals.yaml",
            },
            "production": {
                "state": "ok",
                "problem": None,
                "items": [
                    {
                        "indicator": "FOU-ARTIKLAR",
                        "name": "Vetenskapliga artiklar (antal)",
                        "unit": "count",
                        "breakdown": "total",
                        "period": "2024",
                        "previous_period": "2023",
                        "value": 1888,
                        "previous_value": 1575,
                        "change": 313,
                        "change_pct": 19.87,
                        "gaps": [],
                        "value_org_unit": "REGION",
                        "goal": "Hållbar utveckling i hela Skåne",
                        "area": "Klinisk forskning",
                        "delmal": "Den kliniska forskningen ska öka",
                        "org_unit": "HSN",
                        "basis": "period",
                        "months": None,
                        "monthly": [],
                    }
                ],
            },
            "internal_control": {
                "state": "ok",
                "problem": None,
                "half": 2,
                "followed_up_this_half": False,
                "risks": [],
                "late_actions": [],
            },
            "financial_goals": None,
            "sources": {"indicators": "ok", "assignments": "ok", "budget": "ok"},
            "partial": False,
            "problems": {},
            "changed_after_decision": None,
        },
        "Overview": {
            "period": "2024",
            "committees": [
                {
                    "org_unit": "HSN",
                    "name": "Hälso- och sjukvårdsnämnden",
                    "indicators": {"met": 32, "evaluated": 84, "areas_met": 2, "areas": 9},
                    "assignments": {
                        "ej_startat": 1,
                        "pagar_enligt_plan": 12,
                        "avvikelse": 3,
                        "klart": 3,
                        "ingen_rapport": 44,
                        "green": 0,
                        "yellow": 0,
                        "orange": 0,
                    },
                    "economy": {
                        "grant": 16074700000,
                        "budget_result": None,
                        "outcome_result": 85300000,
                        "deviation": None,
                        "forecast_result": None,
                        "missing": ["budget"],
                        "explanation": "Stated for HSN 2024: outcome "
                        "result 85,3 mnkr through "
                        "2024-12. No budget total is "
                        "stated, so the deviation and "
                        "the budget rule cannot be "
                        "judged.",
                    },
                    "sources": {"indicators": "ok", "assignments": "ok", "budget": "ok"},
                    "partial": False,
                    "problems": {},
                    "internal_control_followed_up": False,
                    "late": 126,
                }
            ],
            "partial": False,
            "internal_control": {
                "state": "ok",
                "problem": None,
                "half": 2,
                "without_follow_up_this_half": 19,
                "not_followed_up": ["HSN"],
            },
        },
        "AuditPage": {
            "items": [
                {
                    "id": 1,
                    "at": "2026-12-02T13:55:14.282664Z",
                    "key_id": "seed",
                    "action": "load",
                    "resource": "results",
                    "resource_id": "383 rows",
                    "change": {
                        "mode": "atomic",
                        "rows": 383,
                        "inserted": 383,
                        "updated": 0,
                        "unchanged": 0,
                        "rejected": 0,
                    },
                }
            ]
        },
        "Calendar": {
            "year": 2024,
            "occasions": [
                {
                    "id": "2024-01",
                    "year": 2024,
                    "kind": "monthly",
                    "name": "Månadsuppföljning januari 2024",
                    "period": "2024-01",
                    "due_date": "2024-02-12",
                    "due_stated_in_plan": False,
                    "due_basis": "The plan: löpande månadsuppföljning sker "
                    "enligt gällande rutin; the routine's date is "
                    "not in the plan, the 12th of the following "
                    "month is this file's default.",
                    "due_by_org_unit": {
                        "HSN": "2024-02-12",
                        "PVN": "2024-02-12",
                        "PHHN": "2024-02-12",
                        "NORV": "2024-02-12",
                        "RS": "2024-02-12",
                        "KTN": "2024-02-12",
                        "KN": "2024-02-12",
                        "RUN": "2024-02-12",
                        "PN": "2024-02-12",
                        "FSN": "2024-02-12",
                        "PAN": "2024-02-12",
                        "SUS": "2024-02-12",
                        "LANDSKRONA": "2024-02-12",
                        "TRELLEBORG": "2024-02-12",
                        "HELSINGBORG": "2024-02-12",
                        "KRISTIANSTAD": "2024-02-12",
                        "YSTAD": "2024-02-12",
                        "ANGELHOLM": "2024-02-12",
                        "HASSLEHOLM": "2024-02-12",
                    },
                    "meeting": {
                        "body": "regionstyrelsen",
                        "date": None,
                        "stated_in_plan": False,
                        "basis": "The plan names no meeting for it; "
                        "regionstyrelsen follows the "
                        "committees up (uppsiktsplikt).",
                    },
                    "version": 1,
                    "updated_at": "2026-12-02T13:55:21.466575Z",
                }
            ],
        },
        "Occasion": {
            "id": "2024-01",
            "year": 2024,
            "kind": "monthly",
            "name": "Månadsuppföljning januari 2024",
            "period": "2024-01",
            "due_date": "2024-02-12",
            "due_stated_in_plan": False,
            "due_basis": "The plan: löpande månadsuppföljning sker enligt gällande "
            "rutin; the routine's date is not in the plan, the 12th of "
            "the following month is this file's default.",
            "due_by_org_unit": {
                "HSN": "2024-02-12",
                "PVN": "2024-02-12",
                "PHHN": "2024-02-12",
                "NORV": "2024-02-12",
                "RS": "2024-02-12",
                "KTN": "2024-02-12",
                "KN": "2024-02-12",
                "RUN": "2024-02-12",
                "PN": "2024-02-12",
                "FSN": "2024-02-12",
                "PAN": "2024-02-12",
                "SUS": "2024-02-12",
                "LANDSKRONA": "2024-02-12",
                "TRELLEBORG": "2024-02-12",
                "HELSINGBORG": "2024-02-12",
                "KRISTIANSTAD": "2024-02-12",
                "YSTAD": "2024-02-12",
                "ANGELHOLM": "2024-02-12",
                "HASSLEHOLM": "2024-02-12",
            },
            "meeting": {
                "body": "regionstyrelsen",
                "date": None,
                "stated_in_plan": False,
                "basis": "The plan names no meeting for it; regionstyrelsen "
                "follows the committees up (uppsiktsplikt).",
            },
            "version": 1,
            "updated_at": "2026-12-02T13:55:21.466575Z",
        },
        "DueDatesIn": {"due_date": "2024-02-12"},
        "DueAnswer": {
            "org_unit": "HSN",
            "as_of": "2024-12-31",
            "items": [
                {
                    "occasion_id": "2024-01",
                    "occasion": "Månadsuppföljning januari 2024",
                    "occasion_kind": "monthly",
                    "period": "2024-01",
                    "kind": "outcome",
                    "source": "budget",
                    "due_date": "2024-02-12",
                    "state": "late",
                    "days_late": 323,
                    "received_at": None,
                    "subject": {
                        "months": 1,
                        "months_booked": 0,
                        "missing_months": ["2024-01"],
                        "total_through": None,
                    },
                    "detail": "0 of 1 months booked on lines (missing 2024-01); no "
                    "outcome total stated through 2024-01.",
                }
            ],
            "counts": {"done": 66, "due": 0, "late": 127, "unavailable": 0},
            "sources": {"indicators": "ok", "assignments": "ok", "budget": "ok"},
            "partial": False,
            "problems": {},
        },
        "DecisionIn": {
            "decision_id": "HSN-VB-2024",
            "period": "2024",
            "decided_on": "2025-02-20",
            "body": "Hälso- och sjukvårdsnämnden",
            "reference": "HSN § 28",
        },
        "Decision": {
            "decision_id": "HSN-VB-2024",
            "org_unit": "HSN",
            "period": "2024",
            "state": "decided",
            "decided_on": "2025-02-20",
            "body": "Hälso- och sjukvårdsnämnden",
            "reference": "HSN § 28",
            "locked_org_units": ["HSN"],
            "recorded_by": "abb6c8dadefc",
            "recorded_at": "2026-12-02T13:56:34.511017Z",
            "report": {
                "json_sha256": "e74016e0d59aae5da9ad3becbc1651b79f3bd927cc661b8f6e487fe1667396bf",
                "xlsx_sha256": "80a831ca86ce612e525e7ebc910ba18299b90d1d486e00f6623119e257f0f8d5",
                "json_bytes": None,
                "xlsx_bytes": None,
            },
            "reopened_at": None,
            "reopened_by": None,
            "reopen_reason": None,
            "updated_at": "2026-12-02T13:56:34.511017Z",
        },
        "DecisionList": {
            "items": [
                {
                    "decision_id": "HSN-VB-2024",
                    "org_unit": "HSN",
                    "period": "2024",
                    "state": "decided",
                    "decided_on": "2025-02-20",
                    "body": "Hälso- och sjukvårdsnämnden",
                    "reference": "HSN § 28",
                    "locked_org_units": ["HSN"],
                    "recorded_by": "abb6c8dadefc",
                    "recorded_at": "2026-12-02T13:56:34.511017Z",
                    "report": {
                        "json_sha256": "e74016e0d59aae5da9ad3becbc1651b79f3bd927cc661b8f6e487fe1667396bf",
                        "xlsx_sha256": "80a831ca86ce612e525e7ebc910ba18299b90d1d486e00f6623119e257f0f8d5",
                        "json_bytes": None,
                        "xlsx_bytes": None,
                    },
                    "reopened_at": None,
                    "reopened_by": None,
                    "reopen_reason": None,
                    "updated_at": "2026-12-02T13:56:34.511017Z",
                }
            ]
        },
    },
    bodies={
        "gateway_get_report:200": {
            "org_unit": "HSN",
            "name": "Hälso- och sjukvårdsnämnden",
            "period": "2024",
            "indicator_org_unit": "REGION",
            "goals": [
                {
                    "code": "G1",
                    "goal": "Bättre liv och hälsa för fler",
                    "areas": [
                        {
                            "code": "G1.A1",
                            "area": "Högt förtroende för god och jämlik vård",
                            "verdict": {
                                "area": "Högt förtroende för god och jämlik vård",
                                "evaluated": 30,
                                "met": 13,
                                "share": 0.4333,
                                "verdict": "not_met",
                                "goal": "Bättre liv och hälsa för fler",
                                "indicators": 7,
                                "with_target": 35,
                            },
                            "delmal": [
                                {
                                    "code": "G1.A1.D1",
                                    "delmal": "Befolkningens "
                                    "uppfattning och "
                                    "patienternas "
                                    "upplevelse av "
                                    "hälso- och "
                                    "sjukvård ska "
                                    "förbättras.",
                                    "indicators": [
                                        {
                                            "indicator": "ID0285",
                                            "name": "Helhetsintryck (NPE)",
                                            "evaluations": [
                                                {
                                                    "indicator": "ID0285",
                                                    "name": "Helhetsintryck (NPE)",
                                                    "org_unit": "HSN",
                                                    "period": "2024",
                                                    "breakdown": "akutmottagningar",
                                                    "value": 82.9,
                                                    "target": {
                                                        "expression": "NPE: förbättring ≥1,0 enhet",
                                                        "year": 2024,
                                                        "source": "region",
                                                        "org_unit": None,
                                                        "kind": "npe_improvement",
                                                    },
                                                    "status": "met",
                                                    "compared_with": {
                                                        "period": "2023",
                                                        "value": 81.3,
                                                    },
                                                    "value_org_unit": "REGION",
                                                    "coverage": None,
                                                    "coverage_note": None,
                                                    "months": None,
                                                    "unit": "index_score",
                                                    "direction": "higher_is_better",
                                                    "result_status": "final",
                                                    "aggregated": False,
                                                }
                                            ],
                                        }
                                    ],
                                }
                            ],
                        }
                    ],
                }
            ],
            "areas": [
                {
                    "area": "Högt förtroende för god och jämlik vård",
                    "evaluated": 30,
                    "met": 13,
                    "share": 0.4333,
                    "verdict": "not_met",
                    "goal": "Bättre liv och hälsa för fler",
                    "indicators": 7,
                    "with_target": 35,
                }
            ],
            "assignments": [
                {
                    "id": "UP2023-001",
                    "title": "Befolkningens uppfattning och "
                    "Patienternas upplevelse av hälso- "
                    "och sjukvård ska förbättras.",
                    "goal": "Bättre liv och hälsa för fler",
                    "area": "Högt förtroende för god och jämlik vård",
                    "year_given": 2023,
                    "lead_org_unit": "HSN",
                    "lead_text": None,
                    "deadline": None,
                    "deadline_text": None,
                    "latest_status": None,
                    "latest_report": None,
                    "reported": False,
                    "status_as_of": "2024-12-31",
                    "carried_over": True,
                    "kind": "assignment",
                    "section": "health_care",
                    "year_given_stated": False,
                    "continued": False,
                    "source": None,
                    "org_units": ["HSN"],
                    "earmarked": None,
                    "version": 1,
                    "created_at": "2026-12-02T13:55:19.685227Z",
                    "updated_at": "2026-12-02T13:55:19.685227Z",
                    "change_seq": 1,
                }
            ],
            "economy": {
                "grant": 16074700000,
                "budget_result": None,
                "budget_result_to_date": None,
                "outcome_result": 85300000,
                "deviation": None,
                "forecast_result": None,
                "forecast_deviation": None,
                "meets_budget_rule": None,
                "meets_budget_rule_basis": None,
                "total": {
                    "budget": None,
                    "outcome": {
                        "revenue": None,
                        "cost": None,
                        "result": 85300000,
                        "month": "2024-12",
                        "note": "The per-area "
                        'table ("tabellen '
                        'ovan") is missing '
                        "from the text "
                        "extraction. The "
                        "running text "
                        "gives deviations "
                        "only for "
                        "läkemedelsförmånen "
                        "(+77,1), tandvård "
                        "(-161), "
                        "klinikläkemedel "
                        "(+189), "
                        "specialistvårdval "
                        "rekvisition "
                        "(-27,1), "
                        "smittskydd "
                        "(+19,8) and "
                        "sällsynta "
                        "diagnoser/ATMP "
                        "(+173,1); nothing "
                        "for köpt vård "
                        "från andra "
                        "regioner, "
                        "EU-vård, avtalad "
                        "vård i privat "
                        "regi, ambulans, "
                        "specialistvårdval, "
                        "forskning, "
                        "migration, "
                        "revenue or the "
                        "unused "
                        "tilläggsbudget. "
                        "The lines "
                        "therefore do not "
                        "reproduce the "
                        "result, and the "
                        "report states no "
                        "budgeted result "
                        "to compare it "
                        "with.",
                        "derived": False,
                        "derivation": None,
                        "source_text": "Det "
                        "ekonomiska "
                        "utfallet "
                        "för HSN "
                        "2024 var "
                        "85,3 "
                        "miljoner "
                        "kronor, "
                        "och "
                        "specificeras "
                        "med "
                        "intäkter "
                        "och "
                        "kostnader "
                        "per "
                        "budgetområde "
                        "i tabellen "
                        "ovan",
                        "mnkr": {"result": "85,3"},
                    },
                    "forecast": None,
                    "outcome_months": 12,
                    "missing": ["budget"],
                    "explanation": "Stated for HSN 2024: "
                    "outcome result 85,3 "
                    "mnkr through 2024-12. "
                    "No budget total is "
                    "stated, so the "
                    "deviation and the "
                    "budget rule cannot be "
                    "judged.",
                },
                "line_sums": {
                    "lines": 4,
                    "compared": 2,
                    "budget_result": -6385500000,
                    "budget_result_to_date": -6385500000,
                    "outcome_result": -6428300000,
                    "deviation": -83900000,
                    "forecast_result": -560800000,
                    "forecast_deviation": 0,
                    "mnkr": {
                        "budget_result": "-6 385,5",
                        "budget_result_to_date": "-6 385,5",
                        "outcome_result": "-6 428,3",
                        "deviation": "-83,9",
                        "forecast_result": "-560,8",
                        "forecast_deviation": "0,0",
                    },
                },
                "lines": [
                    {
                        "line": "ambulans_upphandlad",
                        "label": "Upphandlad ambulanssjukvård (budget ej angiven)",
                        "counterparty": "external",
                        "budget": None,
                        "budget_result": None,
                        "budget_result_to_date": None,
                        "outcome": {"revenue": 0, "cost": 519700000, "result": -519700000},
                        "outcome_result": -519700000,
                        "deviation": None,
                        "forecast_result": None,
                        "forecast_deviation": None,
                        "meets_budget_rule": None,
                        "forecast": None,
                        "meets_budget_rule_basis": None,
                        "reported_deviation": None,
                        "mnkr": {"outcome_result": "-519,7"},
                    }
                ],
                "reported": {
                    "deviations": [
                        {
                            "line": "kliniklakemedel_inkl_solidariskt_finansierade",
                            "label": "Klinikläkemedel "
                            "inklusive "
                            "nationellt "
                            "solidariskt "
                            "finansierade "
                            "klinikläkemedel",
                            "deviation": 189000000,
                            "share_bp": None,
                            "deviation_mnkr": "189,0",
                            "has_budget_line": False,
                            "source_text": "Klinikläkemedel "
                            "inklusive "
                            "nationellt "
                            "solidariskt "
                            "finansierade "
                            "klinikläkemedel "
                            "hade "
                            "ett "
                            "överskott "
                            "på "
                            "189 "
                            "miljoner "
                            "kronor, "
                            "medan "
                            "specialistvårdvalens "
                            "rekvisitionskostnader "
                            "ökade "
                            "med "
                            "6,3 "
                            "procent, "
                            "vilket "
                            "gav "
                            "ett "
                            "underskott "
                            "på "
                            "27,1 "
                            "miljoner.",
                        }
                    ],
                    "figures": [
                        {
                            "figure": "alf_medel",
                            "item": None,
                            "measure": "change",
                            "amount": None,
                            "share_bp": -500,
                            "label": "ALF-medel "
                            "(statlig "
                            "ersättning "
                            "för klinisk "
                            "forskning, "
                            "Region Skåne "
                            "och Lunds "
                            "universitet "
                            "gemensamt), "
                            "förändring "
                            "mot 2023",
                            "id": "HSN/2024/alf_medel/-/change",
                            "org_unit": "HSN",
                            "year": 2024,
                            "amount_mnkr": None,
                            "approximate": True,
                            "value_year": None,
                            "line": None,
                            "about_org_units": ["REGION"],
                            "derived": False,
                            "derivation": None,
                            "source_text": "Statlig "
                            "ersättning "
                            "för "
                            "klinisk "
                            "forskning "
                            "som "
                            "tilldelas "
                            "Region "
                            "Skåne "
                            "och "
                            "Lunds "
                            "universitet "
                            "gemensamt "
                            "(ALF-medel) "
                            "minskade "
                            "med "
                            "cirka "
                            "5 "
                            "procent "
                            "under "
                            "2024 "
                            "jämfört "
                            "med "
                            "2023.",
                            "updated_at": "2026-12-02T13:55:20.756394Z",
                            "change_seq": 57,
                        }
                    ],
                    "result": {
                        "budget_result": None,
                        "budget_result_stated": False,
                        "outcome_result": 85300000,
                        "deviation": None,
                        "reproducible_from_lines": False,
                        "note": "The per-area "
                        "table "
                        '("tabellen '
                        'ovan") is '
                        "missing from "
                        "the text "
                        "extraction. The "
                        "running text "
                        "gives "
                        "deviations only "
                        "for "
                        "läkemedelsförmånen "
                        "(+77,1), "
                        "tandvård "
                        "(-161), "
                        "klinikläkemedel "
                        "(+189), "
                        "specialistvårdval "
                        "rekvisition "
                        "(-27,1), "
                        "smittskydd "
                        "(+19,8) and "
                        "sällsynta "
                        "diagnoser/ATMP "
                        "(+173,1); "
                        "nothing for "
                        "köpt vård från "
                        "andra regioner, "
                        "EU-vård, "
                        "avtalad vård i "
                        "privat regi, "
                        "ambulans, "
                        "specialistvårdval, "
                        "forskning, "
                        "migration, "
                        "revenue or the "
                        "unused "
                        "tilläggsbudget. "
                        "The lines "
                        "therefore do "
                        "not reproduce "
                        "the result, and "
                        "the report "
                        "states no "
                        "budgeted result "
                        "to compare it "
                        "with.",
                        "source_text": "Det "
                        "ekonomiska "
                        "utfallet "
                        "för HSN "
                        "2024 var "
                        "85,3 "
                        "miljoner "
                        "kronor, "
                        "och "
                        "specificeras "
                        "med "
                        "intäkter "
                        "och "
                        "kostnader "
                        "per "
                        "budgetområde "
                        "i "
                        "tabellen "
                        "ovan",
                        "mnkr": {"outcome_result": "85,3"},
                    },
                },
                "org_unit": "HSN",
                "year": 2024,
                "through": "2024-12",
                "months": 12,
                "grant_subtotals": {
                    "base": 14688300000,
                    "indexation": 768200000,
                    "efficiency": 0,
                    "transfer": -76600000,
                    "other": 48800000,
                    "total_excluding_supplementary": 15428700000,
                    "increase": 740400000,
                    "supplementary": 646000000,
                    "supplementary_used": 463300000,
                    "supplementary_unused": 182700000,
                    "total_with_used_supplementary": 15892000000,
                },
                "coverage": {
                    "lines": 4,
                    "compared": 2,
                    "without_budget": ["ambulans_upphandlad"],
                    "without_outcome": ["kopt_vard_andra_regioner"],
                },
                "earmarked": {
                    "items": [
                        {
                            "id": "HSN-2024-01",
                            "org_unit": "HSN",
                            "year": 2024,
                            "kind": "tillaggsbudget_anvandning",
                            "purpose": "Kompensation "
                            "till "
                            "sjukhusstyrelser "
                            "med "
                            "operationsverksamhet "
                            "för "
                            "samordningskostnader "
                            "(samordna "
                            "patienter "
                            "till annan "
                            "vårdgivare, "
                            "i praktiken "
                            "vårdgarantiavtal)",
                            "amount": 320000000,
                            "used_amount": 320000000,
                            "line": None,
                            "assignment_id": None,
                            "allocation_key": "Per "
                            "sjukhusstyrelse "
                            "med "
                            "operationsverksamhet, "
                            "efter "
                            "sjukhusets "
                            "andel "
                            "av "
                            "de "
                            "totala "
                            "samordningskostnaderna "
                            "(i "
                            "praktiken "
                            "kostnader "
                            "för "
                            "vårdgarantiavtalen)",
                            "decision": "RF 2024-06-11; HSN 2024-10-03",
                            "counterparty": "internal",
                            "co_org_units": [],
                            "updated_at": "2026-12-02T13:56:24.751520Z",
                            "change_seq": 63,
                        }
                    ],
                    "amount_total": 380700000,
                    "used_total": 380700000,
                    "amount_not_stated": 1,
                },
                "mnkr": {"grant": "16 074,7", "outcome_result": "85,3"},
            },
            "forecast_rounds": {
                "through": "2024-12",
                "rounds": [
                    {
                        "round": "mars",
                        "made_in": "2024-03",
                        "made": False,
                        "lines": 0,
                        "total_result": None,
                    }
                ],
                "latest_round": "augusti",
                "previous_round": None,
                "total": {
                    "budget_result": None,
                    "forecast_result": None,
                    "deviation": None,
                    "previous_forecast_result": None,
                    "movement": None,
                    "mnkr": {},
                },
                "lines": [
                    {
                        "budget_result": None,
                        "forecast_result": None,
                        "deviation": None,
                        "previous_forecast_result": None,
                        "movement": None,
                        "mnkr": {},
                        "line": "ambulans_upphandlad",
                        "label": "Upphandlad ambulanssjukvård (budget ej angiven)",
                    }
                ],
                "org_unit": "HSN",
                "year": 2024,
                "latest_made_in": "2024-08",
                "previous_made_in": None,
            },
            "goal_tree": {
                "state": "ok",
                "problem": None,
                "id": "2021",
                "name": "Region Skånes uppdrag för hälso- och sjukvård 2021",
                "source": "Seed 000 (Region Skånes uppdrag för "
                "hälso- och sjukvård 2021) with the "
                "quality annex of HSN "
                "verksamhetsberättelse 2024 (seed "
                "002) and Uppföljningsplan 2023 "
                "(seed 004): "
                "shared/reference/goals.yaml",
            },
            "production": {
                "state": "ok",
                "problem": None,
                "items": [
                    {
                        "indicator": "FOU-ARTIKLAR",
                        "name": "Vetenskapliga artiklar (antal)",
                        "unit": "count",
                        "breakdown": "total",
                        "period": "2024",
                        "previous_period": "2023",
                        "value": 1888,
                        "previous_value": 1575,
                        "change": 313,
                        "change_pct": 19.87,
                        "gaps": [],
                        "value_org_unit": "REGION",
                        "goal": "Hållbar utveckling i hela Skåne",
                        "area": "Klinisk forskning",
                        "delmal": "Den kliniska forskningen ska öka",
                        "org_unit": "HSN",
                        "basis": "period",
                        "months": None,
                        "monthly": [],
                    }
                ],
            },
            "internal_control": {
                "state": "ok",
                "problem": None,
                "half": 2,
                "followed_up_this_half": False,
                "risks": [],
                "late_actions": [],
            },
            "financial_goals": None,
            "sources": {"indicators": "ok", "assignments": "ok", "budget": "ok"},
            "partial": False,
            "problems": {},
            "changed_after_decision": None,
        },
        "gateway_reopen_decision": {
            "reason": "Verksamhetsberättelsen 2024 återremitterades till förvaltningen."
        },
    },
)
