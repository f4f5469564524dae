"""Examples of the assignments service's OpenAPI document (``shared.openapi_doc``), by schema
name and, for a body with no named schema, by operation id.

Real answers of the suite seeded with the region's documents (Uppföljningsplan 2023 and
HSN's 2024 status reports), lists cut to one item; request bodies are what those answers
were loaded or written with. No internal control is seeded: HSN's 2024 risk analysis here
illustrates what Uppföljningsplan 2023 asks of every committee; it is not the region's. Long
because it is data, one example per body the API takes or gives. Made by ``python -m
tests.openapi_examples``; ``tests/gateway/test_openapi.py`` checks each against its schema.
"""

from shared.openapi_doc import Examples

EXAMPLES = Examples(
    schemas={
        "AssignmentOut": {
            "id": "UP2023-001",
            "kind": "assignment",
            "title": "Befolkningens uppfattning och Patienternas upplevelse av "
            "hälso- och sjukvård ska förbättras.",
            "goal": "Bättre liv och hälsa för fler",
            "area": "Högt förtroende för god och jämlik vård",
            "section": "health_care",
            "year_given": 2023,
            "year_given_stated": False,
            "continued": False,
            "source": None,
            "lead_org_unit": "HSN",
            "lead_text": None,
            "org_units": ["HSN"],
            "deadline": None,
            "deadline_text": None,
            "earmarked": None,
            "latest_status": None,
            "latest_report": None,
            "reported": False,
            "status_as_of": None,
            "carried_over": None,
            "version": 1,
            "created_at": "2026-12-02T13:55:19.685227Z",
            "updated_at": "2026-12-02T13:55:19.685227Z",
            "change_seq": 1,
        },
        "Page_Union_AssignmentOut__Tombstone__": {
            "items": [
                {
                    "id": "HSN2024-001",
                    "kind": "assignment",
                    "title": "Följa utvecklingen, göra "
                    "en samlad bedömning samt "
                    "initiera och bereda "
                    "förslag till, eller inom "
                    "nämndens eget "
                    "ansvarsområde besluta "
                    "om, fortsatt omställning "
                    "till framtidens "
                    "hälsosystem.",
                    "goal": "Bättre liv och hälsa för fler",
                    "area": "Framtidens hälsosystem",
                    "section": "health_care",
                    "year_given": 2024,
                    "year_given_stated": True,
                    "continued": False,
                    "source": "VP",
                    "lead_org_unit": "HSN",
                    "lead_text": None,
                    "org_units": ["HSN"],
                    "deadline": None,
                    "deadline_text": None,
                    "earmarked": None,
                    "latest_status": "pagar_enligt_plan",
                    "latest_report": {
                        "id": 2,
                        "org_unit": "HSN",
                        "period": "2024",
                        "as_of": "2024-12-31",
                        "on_behalf_of": [],
                        "status": "pagar_enligt_plan",
                        "explanation": "En "
                        "översyn "
                        "av "
                        "ledarskap, "
                        "ansvarsfördelning "
                        "och "
                        "organisering "
                        "av "
                        "primärvård "
                        "och "
                        "Nära "
                        "vård "
                        "genomfördes "
                        "under "
                        "våren. "
                        "Syftet "
                        "med "
                        "förslagen "
                        "i "
                        "översynen "
                        "var "
                        "att "
                        "uppnå "
                        "en "
                        "förbättrad "
                        "styrning "
                        "av "
                        "den "
                        "nära "
                        "vårdens "
                        "långsiktiga "
                        "utveckling, "
                        "samt "
                        "ett "
                        "större "
                        "genomslag "
                        "för "
                        "inriktningen "
                        "inom "
                        "Framtidens "
                        "hälsosystem "
                        "där "
                        "den "
                        "utvecklingen "
                        "spelar "
                        "en "
                        "central "
                        "roll. "
                        "HSN "
                        "gavs "
                        "i "
                        "Planeringsdirektiv "
                        "2025 "
                        "- "
                        "2027 "
                        "(regionstyrelsen "
                        "§ "
                        "109 "
                        "2024-05-23) "
                        "i "
                        "uppdrag "
                        "att "
                        "ge "
                        "förslag "
                        "på "
                        "ny "
                        "organisation "
                        "och "
                        "beslutsdelegation "
                        "inom "
                        "området "
                        "Nära "
                        "vård. "
                        "Omställningen "
                        "till "
                        "Framtidens "
                        "hälsosystem "
                        "och "
                        "Nära "
                        "vård "
                        "behandlades "
                        "av "
                        "HSN "
                        "i "
                        "nämndens "
                        "yttrande "
                        "över "
                        "Planeringsdirektiv "
                        "2025 "
                        "- "
                        "2027 "
                        "(HSN "
                        "§ "
                        "89 "
                        "2024-08-22) "
                        "samt "
                        "i "
                        "HSN:s "
                        "beslut "
                        "om "
                        "inriktning "
                        "ny "
                        "vårdnivå "
                        "inom "
                        "Nära "
                        "vård "
                        "(HSN "
                        "§ "
                        "88 "
                        "2024-08-22). "
                        "Det "
                        "senare "
                        "beslutet "
                        "innehöll "
                        "ett "
                        "uppdrag "
                        "att "
                        "ta "
                        "fram "
                        "förslag "
                        "till "
                        "utformning "
                        "av "
                        "ny "
                        "anslagsfinansierad "
                        "vårdnivå "
                        "i "
                        "enlighet "
                        "med "
                        "föreslagen "
                        "inriktning "
                        "till "
                        "HSN:s "
                        "förslag "
                        "till "
                        "hälso- "
                        "och "
                        "sjukvårdsbudget. "
                        "HSN "
                        "tog "
                        "fram "
                        "ett "
                        "sådant "
                        "förslag, "
                        "och "
                        "i "
                        "enlighet "
                        "med "
                        "regionfullmäktiges "
                        "budgetbeslut "
                        "införs "
                        "den "
                        "nya "
                        "vårdformen "
                        "från "
                        "den "
                        "1 "
                        "jan "
                        "2025.\n"
                        "\n"
                        "HSN "
                        "fastställde "
                        "förändrings- "
                        "och "
                        "genomförandeplanen "
                        "för "
                        "Framtidens "
                        "hälsosystem "
                        "2023 "
                        "- "
                        "2026 "
                        "utan "
                        "förändringar "
                        "jämfört "
                        "med "
                        "föregående "
                        "beslut "
                        "i "
                        "augusti "
                        "2023. "
                        "Beslut "
                        "som "
                        "behövs "
                        "för "
                        "att "
                        "uppnå "
                        "de "
                        "milstolpar "
                        "och "
                        "önskade "
                        "effekter "
                        "som "
                        "beskrivs "
                        "i "
                        "planen "
                        "hanteras "
                        "i "
                        "ordinarie "
                        "ärendeprocesser, "
                        "eller "
                        "i, "
                        "där "
                        "det "
                        "är "
                        "lämpligt, "
                        "Region "
                        "Skånes "
                        "verksamhetsplans- "
                        "och "
                        "budgetprocesser. "
                        "(HSN "
                        "§ "
                        "62 "
                        "2024-06-20)",
                        "reported_at": "2026-12-02T13:55:19.685227Z",
                    },
                    "reported": True,
                    "status_as_of": None,
                    "carried_over": None,
                    "version": 1,
                    "created_at": "2026-12-02T13:55:19.685227Z",
                    "updated_at": "2026-12-02T13:55:19.685227Z",
                    "change_seq": 118,
                }
            ],
            "next_cursor": "IkhTTjIwMjQtMDAyIg",
            "next": "http://127.0.0.1:8000/v1/assignments?org_unit=HSN&limit=2&cursor=IkhTTjIwMjQtMDAyIg",
        },
        "Page_Union_ReportOut__Tombstone__": {
            "items": [
                {
                    "id": 1,
                    "assignment_id": "UP2023-026",
                    "org_unit": "HSN",
                    "period": "2024",
                    "as_of": "2024-12-31",
                    "on_behalf_of": [],
                    "status": "pagar_enligt_plan",
                    "explanation": "Ett regionalt "
                    "vårdlotskansli "
                    "startade den 1 "
                    "november. Kansliet ska "
                    "utgöra en samlad väg "
                    "in för regionens "
                    "invånare gällande "
                    "frågor om vårdgaranti "
                    "och tillgänglighet. En "
                    "del av ärendena tas om "
                    "hand direkt, men den "
                    "största delen hänvisas "
                    "vidare till den "
                    "förvaltning där "
                    "patienten väntar. Se "
                    "även avsnitt God "
                    "tillgänglighet i del 1 "
                    "av "
                    "verksamhetsberättelsen.",
                    "reported_at": "2026-12-02T13:55:19.685227Z",
                    "updated_at": "2026-12-02T13:55:19.685227Z",
                    "change_seq": 136,
                }
            ],
            "next_cursor": "Mg",
            "next": "http://127.0.0.1:8000/v1/reports?org_unit=HSN&limit=2&cursor=Mg",
        },
        "Page_ReportOut_": {
            "items": [
                {
                    "id": 1,
                    "assignment_id": "UP2023-026",
                    "org_unit": "HSN",
                    "period": "2024",
                    "as_of": "2024-12-31",
                    "on_behalf_of": [],
                    "status": "pagar_enligt_plan",
                    "explanation": "Ett regionalt vårdlotskansli startade "
                    "den 1 november. Kansliet ska utgöra en "
                    "samlad väg in för regionens invånare "
                    "gällande frågor om vårdgaranti och "
                    "tillgänglighet. En del av ärendena tas "
                    "om hand direkt, men den största delen "
                    "hänvisas vidare till den förvaltning där "
                    "patienten väntar. Se även avsnitt God "
                    "tillgänglighet i del 1 av "
                    "verksamhetsberättelsen.",
                    "reported_at": "2026-12-02T13:55:19.685227Z",
                    "updated_at": "2026-12-02T13:55:19.685227Z",
                    "change_seq": 136,
                }
            ],
            "next_cursor": None,
            "next": None,
        },
        "ExpectedItems": {
            "org_unit": "HSN",
            "periods": ["2024"],
            "items": [
                {
                    "kind": "status_report",
                    "org_unit": "HSN",
                    "period": "2024",
                    "subject": {
                        "assignment_id": "HSN2024-001",
                        "title": "Följa utvecklingen, göra en samlad "
                        "bedömning samt initiera och bereda "
                        "förslag till, eller inom nämndens "
                        "eget ansvarsområde besluta om, "
                        "fortsatt omställning till framtidens "
                        "hälsosystem.",
                        "assignment_kind": "assignment",
                        "year_given": 2024,
                        "status": "pagar_enligt_plan",
                        "as_of": "2024-12-31",
                        "reported_by": "HSN",
                    },
                    "received": True,
                    "received_at": "2026-12-02T13:55:19.685227Z",
                    "detail": "Reported pagar_enligt_plan as of 2024-12-31.",
                }
            ],
        },
        "LoadReport": {
            "inserted": 0,
            "updated": 0,
            "unchanged": 1,
            "rejected": [],
            "dry_run": True,
        },
        "RiskAnalysisIn": {"decided_on": "2024-01-25", "decision": "HSN § 12 2024-01-25"},
        "RiskAnalysisOut": {
            "id": "HSN-2024",
            "org_unit": "HSN",
            "year": 2024,
            "decided_on": "2024-01-25",
            "decision": "HSN § 12 2024-01-25",
            "version": 1,
            "updated_at": "2026-12-02T13:56:11.569233Z",
            "change_seq": 155,
        },
        "Page_Union_RiskAnalysisOut__Tombstone__": {
            "items": [
                {
                    "id": "HSN-2024",
                    "org_unit": "HSN",
                    "year": 2024,
                    "decided_on": "2024-01-25",
                    "decision": "HSN § 12 2024-01-25",
                    "version": 1,
                    "updated_at": "2026-12-02T13:56:11.569233Z",
                    "change_seq": 155,
                }
            ],
            "next_cursor": None,
            "next": None,
        },
        "Page_Union_RiskOut__Tombstone__": {
            "items": [
                {
                    "id": "HSN-2024-R1",
                    "org_unit": "HSN",
                    "year": 2024,
                    "code": "R1",
                    "description": "Vårdgarantin för första besök i specialiserad vård hålls inte.",
                    "process": "Tillgänglighet",
                    "probability": 3,
                    "consequence": 3,
                    "risk_value": 9,
                    "owner": "Hälso- och sjukvårdsdirektör",
                    "updated_at": "2026-12-02T13:56:11.875327Z",
                    "change_seq": 156,
                }
            ],
            "next_cursor": None,
            "next": None,
        },
        "Page_Union_RiskActionOut__Tombstone__": {
            "items": [
                {
                    "id": "HSN-2024-R1-K1",
                    "risk_id": "HSN-2024-R1",
                    "org_unit": "HSN",
                    "year": 2024,
                    "risk": "R1",
                    "code": "K1",
                    "what": "Månatlig uppföljning av väntetider mot vårdgarantin per förvaltning.",
                    "who": "Avdelningen för hälso- och sjukvårdsstyrning",
                    "deadline": "2024-12-31",
                    "updated_at": "2026-12-02T13:56:12.061649Z",
                    "change_seq": 157,
                }
            ],
            "next_cursor": None,
            "next": None,
        },
        "Page_Union_RiskFollowupOut__Tombstone__": {
            "items": [
                {
                    "id": "HSN-2024-R1-K1@2024-01/2024-08",
                    "risk_id": "HSN-2024-R1",
                    "action_id": "HSN-2024-R1-K1",
                    "org_unit": "HSN",
                    "year": 2024,
                    "period": "2024-01/2024-08",
                    "risk": "R1",
                    "action": "K1",
                    "state": "in_progress",
                    "comment": "Uppföljningen görs "
                    "månadsvis; "
                    "väntetiderna når "
                    "ännu inte "
                    "vårdgarantin.",
                    "probability": None,
                    "consequence": None,
                    "risk_value": None,
                    "followed_up_on": "2024-09-15",
                    "updated_at": "2026-12-02T13:56:12.202096Z",
                    "change_seq": 158,
                }
            ],
            "next_cursor": None,
            "next": None,
        },
        "FollowUpSection": {
            "assignments": [
                {
                    "id": "HSN2024-001",
                    "kind": "assignment",
                    "title": "Följa utvecklingen, göra en samlad "
                    "bedömning samt initiera och bereda "
                    "förslag till, eller inom nämndens eget "
                    "ansvarsområde besluta om, fortsatt "
                    "omställning till framtidens hälsosystem.",
                    "goal": "Bättre liv och hälsa för fler",
                    "area": "Framtidens hälsosystem",
                    "section": "health_care",
                    "year_given": 2024,
                    "year_given_stated": True,
                    "continued": False,
                    "source": "VP",
                    "lead_org_unit": "HSN",
                    "lead_text": None,
                    "org_units": ["HSN"],
                    "deadline": None,
                    "deadline_text": None,
                    "earmarked": None,
                    "latest_status": None,
                    "latest_report": None,
                    "reported": False,
                    "status_as_of": "2024-08-31",
                    "carried_over": False,
                    "version": 1,
                    "created_at": "2026-12-02T13:55:19.685227Z",
                    "updated_at": "2026-12-02T13:55:19.685227Z",
                    "change_seq": 118,
                }
            ],
            "internal_control": {
                "org_unit": "HSN",
                "year": 2024,
                "as_of": "2024-08-31",
                "half": 1,
                "analysis": {
                    "id": "HSN-2024",
                    "org_unit": "HSN",
                    "year": 2024,
                    "decided_on": "2024-01-25",
                    "decision": "HSN § 12 2024-01-25",
                    "version": 1,
                    "updated_at": "2026-12-02T13:56:11.569233Z",
                    "change_seq": 155,
                },
                "risks": [
                    {
                        "id": "HSN-2024-R1",
                        "code": "R1",
                        "description": "Vårdgarantin för "
                        "första besök i "
                        "specialiserad vård "
                        "hålls inte.",
                        "process": "Tillgänglighet",
                        "owner": "Hälso- och sjukvårdsdirektör",
                        "probability": 3,
                        "consequence": 3,
                        "risk_value": 9,
                        "current_probability": 3,
                        "current_consequence": 3,
                        "current_value": 9,
                        "reassessed_in": None,
                        "actions": [
                            {
                                "id": "HSN-2024-R1-K1",
                                "risk": "R1",
                                "code": "K1",
                                "what": "Månatlig "
                                "uppföljning "
                                "av väntetider "
                                "mot "
                                "vårdgarantin "
                                "per "
                                "förvaltning.",
                                "who": "Avdelningen för hälso- och sjukvårdsstyrning",
                                "deadline": "2024-12-31",
                                "state": None,
                                "state_period": None,
                                "comment": None,
                                "late": False,
                            }
                        ],
                    }
                ],
                "late_actions": [],
                "follow_ups": [
                    {
                        "half": 1,
                        "due_with": "2024-01/2024-08",
                        "period": None,
                        "followed_up_on": None,
                        "actions_followed_up": 0,
                        "states": {"not_started": 0, "in_progress": 0, "done": 0, "deviation": 0},
                        "risks_reassessed": 0,
                        "deviations": [],
                    }
                ],
                "followed_up_this_half": False,
            },
        },
        "AssignmentCreate": {
            "kind": "assignment",
            "title": "Befolkningens uppfattning och Patienternas upplevelse av "
            "hälso- och sjukvård ska förbättras.",
            "goal": "Bättre liv och hälsa för fler",
            "area": "Högt förtroende för god och jämlik vård",
            "section": "health_care",
            "year_given": 2023,
            "source": None,
            "lead_org_unit": "HSN",
            "org_units": [
                "HSN",
                "PVN",
                "PHHN",
                "RS",
                "SUS",
                "LANDSKRONA",
                "TRELLEBORG",
                "HELSINGBORG",
                "KRISTIANSTAD",
                "YSTAD",
                "ANGELHOLM",
                "HASSLEHOLM",
            ],
            "deadline": None,
            "deadline_text": None,
            "earmarked": None,
        },
        "AssignmentPatch": {"deadline_text": "Årligen i verksamhetsberättelsen"},
        "ReportIn": {
            "org_unit": "HSN",
            "period": "2024",
            "status": "pagar_enligt_plan",
            "explanation": "Ett regionalt vårdlotskansli startade den 1 november. "
            "Kansliet ska utgöra en samlad väg in för regionens "
            "invånare gällande frågor om vårdgaranti och "
            "tillgänglighet. En del av ärendena tas om hand direkt, men "
            "den största delen hänvisas vidare till den förvaltning där "
            "patienten väntar. Se även avsnitt God tillgänglighet i del "
            "1 av verksamhetsberättelsen.",
            "as_of": "2024-12-31",
            "on_behalf_of": [],
        },
        "ReportOut": {
            "id": 1,
            "assignment_id": "UP2023-026",
            "org_unit": "HSN",
            "period": "2024",
            "as_of": "2024-12-31",
            "on_behalf_of": [],
            "status": "pagar_enligt_plan",
            "explanation": "Ett regionalt vårdlotskansli startade den 1 november. "
            "Kansliet ska utgöra en samlad väg in för regionens "
            "invånare gällande frågor om vårdgaranti och "
            "tillgänglighet. En del av ärendena tas om hand direkt, "
            "men den största delen hänvisas vidare till den "
            "förvaltning där patienten väntar. Se även avsnitt God "
            "tillgänglighet i del 1 av verksamhetsberättelsen.",
            "reported_at": "2026-12-02T13:55:19.685227Z",
            "updated_at": "2026-12-02T13:55:19.685227Z",
            "change_seq": 136,
        },
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
            "decided_at": "2026-12-02T13:56:14.982513Z",
            "decided_by": "abb6c8dadefc",
            "body": "Hälso- och sjukvårdsnämnden",
            "reference": "HSN § 28",
            "active": True,
            "reopened_at": None,
            "reopened_by": None,
            "reopen_reason": None,
            "updated_at": "2026-12-02T13:56:14.982513Z",
            "change_seq": 162,
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
                    "decided_at": "2026-12-02T13:56:14.982513Z",
                    "decided_by": "abb6c8dadefc",
                    "body": "Hälso- och sjukvårdsnämnden",
                    "reference": "HSN § 28",
                    "active": True,
                    "reopened_at": None,
                    "reopened_by": None,
                    "reopen_reason": None,
                    "updated_at": "2026-12-02T13:56:14.982513Z",
                    "change_seq": 162,
                }
            ],
            "next_cursor": None,
            "next": None,
        },
        "AuditPage": {
            "items": [
                {
                    "id": 1,
                    "at": "2026-12-02T13:55:19.735438Z",
                    "key_id": "seed",
                    "action": "seed",
                    "resource": "assignment",
                    "resource_id": "assignments.yaml",
                    "change": {"assignments": 135, "units": 536, "reports": 19},
                }
            ]
        },
        "Health": {"status": "ok"},
    },
    bodies={
        "assignments_load_reports": [
            {
                "org_unit": "HSN",
                "period": "2024",
                "status": "pagar_enligt_plan",
                "explanation": "Ett regionalt vårdlotskansli startade den "
                "1 november. Kansliet ska utgöra en samlad "
                "väg in för regionens invånare gällande "
                "frågor om vårdgaranti och tillgänglighet. "
                "En del av ärendena tas om hand direkt, "
                "men den största delen hänvisas vidare "
                "till den förvaltning där patienten "
                "väntar. Se även avsnitt God "
                "tillgänglighet i del 1 av "
                "verksamhetsberättelsen.",
                "as_of": "2024-12-31",
                "on_behalf_of": [],
                "assignment_id": "UP2023-026",
            }
        ],
        "assignments_load_risks": [
            {
                "org_unit": "HSN",
                "year": 2024,
                "code": "R1",
                "description": "Vårdgarantin för första besök i specialiserad vård hålls inte.",
                "process": "Tillgänglighet",
                "probability": 3,
                "consequence": 3,
                "owner": "Hälso- och sjukvårdsdirektör",
            }
        ],
        "assignments_load_risk_actions": [
            {
                "org_unit": "HSN",
                "year": 2024,
                "risk": "R1",
                "code": "K1",
                "what": "Månatlig uppföljning av väntetider mot vårdgarantin per förvaltning.",
                "who": "Avdelningen för hälso- och sjukvårdsstyrning",
                "deadline": "2024-12-31",
            }
        ],
        "assignments_load_risk_followups": [
            {
                "org_unit": "HSN",
                "period": "2024-01/2024-08",
                "risk": "R1",
                "action": "K1",
                "state": "in_progress",
                "comment": "Uppföljningen görs månadsvis; väntetiderna når ännu inte vårdgarantin.",
                "followed_up_on": "2024-09-15",
            }
        ],
        "assignments_internal_control:200": {
            "org_unit": "HSN",
            "year": 2024,
            "as_of": "2024-12-31",
            "half": 2,
            "analysis": {
                "id": "HSN-2024",
                "org_unit": "HSN",
                "year": 2024,
                "decided_on": "2024-01-25",
                "decision": "HSN § 12 2024-01-25",
                "version": 1,
                "updated_at": "2026-12-02T13:56:11.569233Z",
                "change_seq": 155,
            },
            "risks": [
                {
                    "id": "HSN-2024-R1",
                    "code": "R1",
                    "description": "Vårdgarantin för första besök i specialiserad vård hålls inte.",
                    "process": "Tillgänglighet",
                    "owner": "Hälso- och sjukvårdsdirektör",
                    "probability": 3,
                    "consequence": 3,
                    "risk_value": 9,
                    "current_probability": 3,
                    "current_consequence": 3,
                    "current_value": 9,
                    "reassessed_in": None,
                    "actions": [
                        {
                            "id": "HSN-2024-R1-K1",
                            "risk": "R1",
                            "code": "K1",
                            "what": "Månatlig "
                            "uppföljning av "
                            "väntetider mot "
                            "vårdgarantin per "
                            "förvaltning.",
                            "who": "Avdelningen för hälso- och sjukvårdsstyrning",
                            "deadline": "2024-12-31",
                            "state": "in_progress",
                            "state_period": "2024-01/2024-08",
                            "comment": "Uppföljningen "
                            "görs "
                            "månadsvis; "
                            "väntetiderna "
                            "når ännu inte "
                            "vårdgarantin.",
                            "late": False,
                        }
                    ],
                }
            ],
            "late_actions": [],
            "follow_ups": [
                {
                    "half": 1,
                    "due_with": "2024-01/2024-08",
                    "period": "2024-01/2024-08",
                    "followed_up_on": "2024-09-15",
                    "actions_followed_up": 1,
                    "states": {"not_started": 0, "in_progress": 1, "done": 0, "deviation": 0},
                    "risks_reassessed": 0,
                    "deviations": [],
                }
            ],
            "followed_up_this_half": False,
        },
        "assignments_reopen_lock": {
            "reason": "Verksamhetsberättelsen 2024 återremitterades; siffrorna ses över."
        },
    },
)
