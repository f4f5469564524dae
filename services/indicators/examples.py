"""Examples of the indicators service's OpenAPI document (``shared.openapi_doc``), by schema
name and, for a body with no named schema, by operation id.

Real answers of the suite seeded with the region's documents (ID0288 and the other
indicators of HSN's 2024 quality annex, with their targets, results and volumes), lists cut
to one item; request bodies are what those answers were loaded or written with. Long because
it is data, one example per body the API takes or gives. Made by ``python -m
tests.openapi_examples``; ``tests/gateway/test_openapi.py`` checks each against its schema.
"""

from shared.openapi_doc import Examples

EXAMPLES = Examples(
    schemas={
        "IndicatorOut": {
            "code": "ID0288",
            "name": "Information och kunskap (NPE)",
            "description": "Dimensionsresultat Information och kunskap i Nationell "
            "patientenkät (NPE). Där inget annat mål satts är målet "
            "att resultatet ska ha förbättrats med minst en (1,0) "
            "enhet jämfört med senast tidigare genomförda "
            "jämförbara mätning.",
            "unit": "index_score",
            "direction": "higher_is_better",
            "source": "NPE",
            "goal": "Bättre liv och hälsa för fler",
            "area": "Högt förtroende för god och jämlik vård",
            "delmal": "Befolkningens uppfattning och patienternas upplevelse av "
            "hälso- och sjukvård ska förbättras.",
            "not_reportable_by": [],
            "reportable_at": ["region"],
            "time_aggregation": "mean",
            "placements": [
                {
                    "goal": "Bättre liv och hälsa för fler",
                    "area": "Högt förtroende för god och jämlik vård",
                    "delmal": "Befolkningens uppfattning och patienternas "
                    "upplevelse av hälso- och sjukvård ska "
                    "förbättras.",
                    "breakdowns": None,
                }
            ],
            "coverage_notes": {
                "2024-01/2024-09": "Resultaten för Q4 är ännu inte "
                "färdigbehandlade. Ett kvartals "
                "resultat blir tillgängligt "
                "ungefär 3 månader efter att det "
                "avslutats."
            },
            "kind": "quality",
            "updated_at": "2026-12-02T13:55:14.024410Z",
            "change_seq": 4,
        },
        "Page_Union_IndicatorOut__Tombstone__": {
            "items": [
                {
                    "code": "EJIB-DIGAVBOK",
                    "name": "Digital avbokning utförd av patient (antal)",
                    "description": "Digital avbokning "
                    "utförd av patient "
                    "(antal). Indikatorn "
                    "är inte införd i "
                    "Indikatorbiblioteket. "
                    "Inkluderar ej "
                    "fristående tidbok.",
                    "unit": "count",
                    "direction": "higher_is_better",
                    "source": "own_systems",
                    "goal": "Hållbar utveckling i hela Skåne",
                    "area": "Digitalisering",
                    "delmal": "Alla verksamheter inom "
                    "respektive "
                    "sjukhusstyrelse och "
                    "sjukvårdsnämnd ska där "
                    "det är tillämpligt "
                    "möjliggöra för invånarna "
                    "att digitalt boka, "
                    "omboka och avboka tid.",
                    "not_reportable_by": [],
                    "reportable_at": ["region"],
                    "time_aggregation": "sum",
                    "placements": [
                        {
                            "goal": "Hållbar utveckling i hela Skåne",
                            "area": "Digitalisering",
                            "delmal": "Alla "
                            "verksamheter "
                            "inom "
                            "respektive "
                            "sjukhusstyrelse "
                            "och "
                            "sjukvårdsnämnd "
                            "ska där "
                            "det är "
                            "tillämpligt "
                            "möjliggöra "
                            "för "
                            "invånarna "
                            "att "
                            "digitalt "
                            "boka, "
                            "omboka "
                            "och "
                            "avboka "
                            "tid.",
                            "breakdowns": None,
                        }
                    ],
                    "coverage_notes": {},
                    "kind": "quality",
                    "updated_at": "2026-12-02T13:55:14.024410Z",
                    "change_seq": 62,
                }
            ],
            "next_cursor": "IkVKSUItRElHQk9LIg",
            "next": "http://127.0.0.1:8000/v1/indicators?limit=2&cursor=IkVKSUItRElHQk9LIg",
        },
        "TargetList": {
            "items": [
                {
                    "indicator": "ID0288",
                    "year": 2024,
                    "org_unit": None,
                    "source": "region",
                    "expression": "NPE: förbättring ≥1,0 enhet",
                    "parsed": {
                        "kind": "npe_improvement",
                        "operator": ">=",
                        "value": "1.0",
                        "unit": "unit",
                        "change": None,
                        "per_year": False,
                    },
                    "updated_at": "2026-12-02T13:55:14.024410Z",
                    "change_seq": 66,
                    "etag": '"t66"',
                }
            ]
        },
        "Page_Union_ResultOut__Tombstone__": {
            "items": [
                {
                    "id": 10,
                    "indicator": "ID0288",
                    "org_unit": "REGION",
                    "period": "2024",
                    "breakdown": "vardcentraler",
                    "value": 76.1,
                    "numerator": None,
                    "denominator": None,
                    "status": "final",
                    "updated_at": "2026-12-02T13:55:14.266101Z",
                    "change_seq": 136,
                }
            ],
            "next_cursor": "MTE",
            "next": "http://127.0.0.1:8000/v1/results?indicator=ID0288&org_unit=REGION&limit=2&cursor=MTE",
        },
        "EvaluationList": {
            "items": [
                {
                    "indicator": "ID0288",
                    "name": "Information och kunskap (NPE)",
                    "goal": "Bättre liv och hälsa för fler",
                    "area": "Högt förtroende för god och jämlik vård",
                    "delmal": "Befolkningens uppfattning och patienternas "
                    "upplevelse av hälso- och sjukvård ska "
                    "förbättras.",
                    "unit": "index_score",
                    "direction": "higher_is_better",
                    "org_unit": "REGION",
                    "period": "2024",
                    "breakdown": "akutmottagningar",
                    "value": 69.2,
                    "result_status": "final",
                    "aggregated": False,
                    "target": {
                        "expression": "NPE: förbättring ≥1,0 enhet",
                        "year": 2024,
                        "source": "region",
                        "org_unit": None,
                        "kind": "npe_improvement",
                    },
                    "status": "met",
                    "compared_with": {"period": "2023", "value": 68.2},
                    "value_org_unit": "REGION",
                    "coverage": None,
                    "coverage_note": None,
                    "months": None,
                }
            ]
        },
        "AreaEvaluationList": {
            "items": [
                {
                    "goal": "Bättre liv och hälsa för fler",
                    "area": "Högt förtroende för god och jämlik vård",
                    "indicators": 7,
                    "with_target": 35,
                    "evaluated": 35,
                    "met": 15,
                    "share": 0.4286,
                    "verdict": "not_met",
                }
            ]
        },
        "EvaluationSummary": {
            "evaluations": [
                {
                    "indicator": "ID0285",
                    "name": "Helhetsintryck (NPE)",
                    "goal": "Bättre liv och hälsa för fler",
                    "area": "Högt förtroende för god och jämlik vård",
                    "delmal": "Befolkningens uppfattning och "
                    "patienternas upplevelse av hälso- och "
                    "sjukvård ska förbättras.",
                    "unit": "index_score",
                    "direction": "higher_is_better",
                    "org_unit": "REGION",
                    "period": "2024",
                    "breakdown": "akutmottagningar",
                    "value": 82.9,
                    "result_status": "final",
                    "aggregated": False,
                    "target": {
                        "expression": "NPE: förbättring ≥1,0 enhet",
                        "year": 2024,
                        "source": "region",
                        "org_unit": None,
                        "kind": "npe_improvement",
                    },
                    "status": "met",
                    "compared_with": {"period": "2023", "value": 81.3},
                    "value_org_unit": "REGION",
                    "coverage": None,
                    "coverage_note": None,
                    "months": None,
                }
            ],
            "areas": [
                {
                    "goal": "Bättre liv och hälsa för fler",
                    "area": "Högt förtroende för god och jämlik vård",
                    "indicators": 7,
                    "with_target": 35,
                    "evaluated": 35,
                    "met": 15,
                    "share": 0.4286,
                    "verdict": "not_met",
                }
            ],
        },
        "FollowUpSection": {
            "evaluations": [
                {
                    "indicator": "ID0285",
                    "name": "Helhetsintryck (NPE)",
                    "goal": "Bättre liv och hälsa för fler",
                    "area": "Högt förtroende för god och jämlik vård",
                    "delmal": "Befolkningens uppfattning och "
                    "patienternas upplevelse av hälso- och "
                    "sjukvård ska förbättras.",
                    "unit": "index_score",
                    "direction": "higher_is_better",
                    "org_unit": "HSN",
                    "period": "2024-01/2024-08",
                    "breakdown": "total",
                    "value": None,
                    "result_status": None,
                    "aggregated": False,
                    "target": {
                        "expression": "NPE: förbättring ≥1,0 enhet",
                        "year": 2024,
                        "source": "region",
                        "org_unit": None,
                        "kind": "npe_improvement",
                    },
                    "status": "no_data",
                    "compared_with": None,
                    "value_org_unit": None,
                    "coverage": None,
                    "coverage_note": None,
                    "months": None,
                }
            ],
            "areas": [
                {
                    "goal": "Bättre liv och hälsa för fler",
                    "area": "Högt förtroende för god och jämlik vård",
                    "indicators": 7,
                    "with_target": 7,
                    "evaluated": 0,
                    "met": 0,
                    "share": None,
                    "verdict": "not_evaluable",
                }
            ],
            "production": [
                {
                    "indicator": "FOU-ARTIKLAR",
                    "name": "Vetenskapliga artiklar (antal)",
                    "unit": "count",
                    "goal": "Hållbar utveckling i hela Skåne",
                    "area": "Klinisk forskning",
                    "delmal": "Den kliniska forskningen ska öka",
                    "org_unit": "HSN",
                    "value_org_unit": None,
                    "breakdown": "total",
                    "period": "2024-01/2024-08",
                    "previous_period": "2023-01/2023-08",
                    "basis": None,
                    "value": None,
                    "previous_value": None,
                    "change": None,
                    "change_pct": None,
                    "months": {"compared": 0, "of": 8},
                    "gaps": ["2024-01/2024-08"],
                    "monthly": [],
                }
            ],
        },
        "ExpectedResults": {
            "org_unit": "REGION",
            "periods": ["2024"],
            "items": [
                {
                    "kind": "results",
                    "org_unit": "REGION",
                    "period": "2024",
                    "subject": {
                        "indicator": "EJIB-DIGAVBOK",
                        "name": "Digital avbokning utförd av patient (antal)",
                        "cadence": "period",
                        "expected_from": ["REGION"],
                        "reported_by": "REGION",
                        "months_found": None,
                        "months": None,
                    },
                    "received": True,
                    "received_at": "2026-12-02T13:55:14.266101Z",
                    "detail": "REGION stored a result for 2024.",
                }
            ],
        },
        "ProductionList": {
            "items": [
                {
                    "indicator": "FOU-ARTIKLAR",
                    "name": "Vetenskapliga artiklar (antal)",
                    "unit": "count",
                    "goal": "Hållbar utveckling i hela Skåne",
                    "area": "Klinisk forskning",
                    "delmal": "Den kliniska forskningen ska öka",
                    "org_unit": "SUS",
                    "value_org_unit": None,
                    "breakdown": "total",
                    "period": "2024",
                    "previous_period": "2023",
                    "basis": None,
                    "value": None,
                    "previous_value": None,
                    "change": None,
                    "change_pct": None,
                    "months": {"compared": 0, "of": 12},
                    "gaps": ["2024"],
                    "monthly": [],
                }
            ]
        },
        "GoalTreeList": {
            "items": [
                {
                    "id": "2021",
                    "name": "Region Skånes uppdrag för hälso- och sjukvård 2021",
                    "source": "Seed 000 (Region Skånes uppdrag för hälso- och "
                    "sjukvård 2021) with the quality annex of HSN "
                    "verksamhetsberättelse 2024 (seed 002) and "
                    "Uppföljningsplan 2023 (seed 004): "
                    "shared/reference/goals.yaml",
                    "valid_from": "2021-01-01",
                    "levels": ["goal"],
                    "default": True,
                    "links": "placement",
                    "groups": [],
                }
            ]
        },
        "TreeLinkList": {
            "items": [
                {
                    "tree": "2021",
                    "node": "G1.A1.D1",
                    "node_name": "Befolkningens uppfattning och patienternas "
                    "upplevelse av hälso- och sjukvård ska "
                    "förbättras.",
                    "group": "Bättre liv och hälsa för fler",
                    "indicator": "ID0285",
                    "name": "Helhetsintryck (NPE)",
                    "kind": "quality",
                    "reason": "The indicator's own place in the 2021 hierarchy "
                    "(its goal, area and delmål).",
                }
            ]
        },
        "LoadAnswer": {
            "inserted": 0,
            "updated": 0,
            "unchanged": 1,
            "rejected": [],
            "dry_run": True,
        },
        "IndicatorIn": {
            "name": "Information och kunskap (NPE)",
            "description": "Dimensionsresultat Information och kunskap i Nationell "
            "patientenkät (NPE). Där inget annat mål satts är målet "
            "att resultatet ska ha förbättrats med minst en (1,0) "
            "enhet jämfört med senast tidigare genomförda jämförbara "
            "mätning.",
            "unit": "index_score",
            "direction": "higher_is_better",
            "source": "NPE",
            "area": "Högt förtroende för god och jämlik vård",
            "goal": "Bättre liv och hälsa för fler",
            "delmal": "Befolkningens uppfattning och patienternas upplevelse av "
            "hälso- och sjukvård ska förbättras.",
            "not_reportable_by": [],
            "time_aggregation": "mean",
            "placements": [
                {
                    "goal": "Tillgänglighet och kvalitet",
                    "area": "Högkvalitativ cancervård i hela Skåne",
                    "delmal": "Fortsatt utveckling av standardiserade vårdförlopp (SVF)",
                    "breakdowns": ["standardiserade_vardforlopp"],
                }
            ],
            "coverage_notes": {
                "2024-01/2024-09": "Resultaten för Q4 är ännu inte "
                "färdigbehandlade. Ett kvartals "
                "resultat blir tillgängligt "
                "ungefär 3 månader efter att det "
                "avslutats."
            },
            "kind": "quality",
        },
        "TargetIn": {"expression": "NPE: förbättring ≥1,0 enhet", "org_unit": None},
        "TargetOut": {
            "indicator": "ID0288",
            "year": 2024,
            "org_unit": None,
            "source": "region",
            "expression": "NPE: förbättring ≥1,0 enhet",
            "parsed": {
                "kind": "npe_improvement",
                "operator": ">=",
                "value": "1.0",
                "unit": "unit",
                "change": None,
                "per_year": False,
            },
            "updated_at": "2026-12-02T13:56:08.095025Z",
            "change_seq": 587,
            "etag": '"t587"',
        },
        "DeleteAnswer": {"deleted": 1},
        "LockIn": {
            "org_units": ["HSN", "REGION"],
            "period": "2024",
            "body": "Hälso- och sjukvårdsnämnden",
            "reference": "HSN § 28",
        },
        "LockOut": {
            "decision_id": "HSN-2024",
            "org_units": ["HSN"],
            "period": "2024",
            "year": 2024,
            "first_month": 1,
            "last_month": 12,
            "decided_at": "2026-12-02T13:56:08.498755Z",
            "decided_by": "abb6c8dadefc",
            "body": "Hälso- och sjukvårdsnämnden",
            "reference": "HSN § 28",
            "active": True,
            "reopened_at": None,
            "reopened_by": None,
            "reopen_reason": None,
            "updated_at": "2026-12-02T13:56:08.498755Z",
            "change_seq": 593,
        },
        "Page_LockOut_": {
            "items": [
                {
                    "decision_id": "HSN-2024",
                    "org_units": ["HSN"],
                    "period": "2024",
                    "year": 2024,
                    "first_month": 1,
                    "last_month": 12,
                    "decided_at": "2026-12-02T13:56:08.498755Z",
                    "decided_by": "abb6c8dadefc",
                    "body": "Hälso- och sjukvårdsnämnden",
                    "reference": "HSN § 28",
                    "active": True,
                    "reopened_at": None,
                    "reopened_by": None,
                    "reopen_reason": None,
                    "updated_at": "2026-12-02T13:56:08.498755Z",
                    "change_seq": 593,
                }
            ],
            "next_cursor": None,
            "next": None,
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
        "Health": {"status": "ok"},
    },
    bodies={
        "indicators_load_results": [
            {
                "indicator": "ID0288",
                "org_unit": "REGION",
                "period": "2024",
                "breakdown": "vardcentraler",
                "value": 76.1,
                "numerator": None,
                "denominator": None,
                "status": "final",
            }
        ],
        "indicators_reopen_lock": {
            "reason": "Verksamhetsberättelsen 2024 återremitterades; siffrorna ses över."
        },
    },
)
