"""Examples of the budget service's OpenAPI document (``shared.openapi_doc``), by schema name
and, for a body with no named schema, by operation id.

Real answers of the suite seeded with the region's documents (HSN's 2024 regionbidrag,
budget lines, outcomes and earmarked money), lists cut to one item; request bodies are what
those answers were loaded or written with. The seeds state no forecast and no region-wide
figures: the forecast shown is an HSN 2024 budget line as a forecast made in August, the
figures row states none. Long because it is data, one example per body the API takes or
gives. Made by ``python -m tests.openapi_examples``; ``tests/gateway/test_openapi.py``
checks each against its schema.
"""

from shared.openapi_doc import Examples

EXAMPLES = Examples(
    schemas={
        "GrantOut": {
            "id": "HSN/2024",
            "org_unit": "HSN",
            "year": 2024,
            "components": [
                {
                    "position": 0,
                    "kind": "base",
                    "label": "Regionbidrag 2023 (föregående nivå)",
                    "amount": 14688300000,
                    "amount_mnkr": "14 688,3",
                    "decision": None,
                    "used": None,
                    "counterparty": None,
                    "counterparty_text": None,
                    "mirrored_from": None,
                    "derived": True,
                    "derivation": "15 428,7 - 740,4 mnkr",
                }
            ],
            "total": 16074700000,
            "total_mnkr": "16 074,7",
            "subtotals": {
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
            "subtotals_mnkr": {
                "base": "14 688,3",
                "indexation": "768,2",
                "efficiency": "0,0",
                "transfer": "-76,6",
                "other": "48,8",
                "total_excluding_supplementary": "15 428,7",
                "increase": "740,4",
                "supplementary": "646,0",
                "supplementary_used": "463,3",
                "supplementary_unused": "182,7",
                "total_with_used_supplementary": "15 892,0",
            },
            "efficiency_requirement": {
                "gross_indexation_bp": 440,
                "efficiency_bp": 150,
                "net_indexation_bp": 290,
                "note": "Stated only as percentages; no amount "
                "in kronor is printed. Most plausibly "
                "already netted into component "
                "'indexation_434_0' (not stated).",
            },
            "updated_at": "2026-12-02T13:55:20.513728Z",
            "change_seq": 1,
        },
        "Page_GrantOut_": {
            "items": [
                {
                    "id": "HSN/2024",
                    "org_unit": "HSN",
                    "year": 2024,
                    "components": [
                        {
                            "position": 0,
                            "kind": "base",
                            "label": "Regionbidrag 2023 (föregående nivå)",
                            "amount": 14688300000,
                            "amount_mnkr": "14 688,3",
                            "decision": None,
                            "used": None,
                            "counterparty": None,
                            "counterparty_text": None,
                            "mirrored_from": None,
                            "derived": True,
                            "derivation": "15 428,7 - 740,4 mnkr",
                        }
                    ],
                    "total": 16074700000,
                    "total_mnkr": "16 074,7",
                    "subtotals": {
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
                    "subtotals_mnkr": {
                        "base": "14 688,3",
                        "indexation": "768,2",
                        "efficiency": "0,0",
                        "transfer": "-76,6",
                        "other": "48,8",
                        "total_excluding_supplementary": "15 428,7",
                        "increase": "740,4",
                        "supplementary": "646,0",
                        "supplementary_used": "463,3",
                        "supplementary_unused": "182,7",
                        "total_with_used_supplementary": "15 892,0",
                    },
                    "efficiency_requirement": {
                        "gross_indexation_bp": 440,
                        "efficiency_bp": 150,
                        "net_indexation_bp": 290,
                        "note": "Stated only as "
                        "percentages; no "
                        "amount in kronor is "
                        "printed. Most "
                        "plausibly already "
                        "netted into component "
                        "'indexation_434_0' "
                        "(not stated).",
                    },
                    "updated_at": "2026-12-02T13:55:20.513728Z",
                    "change_seq": 1,
                }
            ],
            "next_cursor": None,
            "next": None,
        },
        "Page_Union_BudgetLineOut__Tombstone__": {
            "items": [
                {
                    "id": "HSN/2024/ambulans_upphandlad",
                    "org_unit": "HSN",
                    "year": 2024,
                    "line": "ambulans_upphandlad",
                    "label": "Upphandlad ambulanssjukvård (budget ej angiven)",
                    "revenue": None,
                    "cost": None,
                    "result": None,
                    "counterparty": "external",
                    "basis": "net",
                    "derived": False,
                    "derivation": None,
                    "updated_at": "2026-12-02T13:55:20.573384Z",
                    "change_seq": 6,
                }
            ],
            "next_cursor": None,
            "next": None,
        },
        "BudgetLineOut": {
            "id": "HSN/2024/ambulans_upphandlad",
            "org_unit": "HSN",
            "year": 2024,
            "line": "ambulans_upphandlad",
            "label": "Upphandlad ambulanssjukvård (budget ej angiven)",
            "revenue": None,
            "cost": None,
            "result": None,
            "counterparty": "external",
            "basis": "net",
            "derived": False,
            "derivation": None,
            "updated_at": "2026-12-02T13:55:20.573384Z",
            "change_seq": 6,
        },
        "Page_Union_EarmarkedOut__Tombstone__": {
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
                    "till annan vårdgivare, "
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
                    "efter sjukhusets "
                    "andel av de "
                    "totala "
                    "samordningskostnaderna "
                    "(i praktiken "
                    "kostnader för "
                    "vårdgarantiavtalen)",
                    "decision": "RF 2024-06-11; HSN 2024-10-03",
                    "counterparty": "internal",
                    "co_org_units": [],
                    "updated_at": "2026-12-02T13:55:20.633831Z",
                    "change_seq": 12,
                }
            ],
            "next_cursor": "IkhTTi0yMDI0LTAyIg",
            "next": "http://127.0.0.1:8000/v1/earmarked?org_unit=HSN&year=2024&limit=2&cursor=IkhTTi0yMDI0LTAyIg",
        },
        "EarmarkedOut": {
            "id": "HSN-2024-01",
            "org_unit": "HSN",
            "year": 2024,
            "kind": "tillaggsbudget_anvandning",
            "purpose": "Kompensation till sjukhusstyrelser med "
            "operationsverksamhet för samordningskostnader (samordna "
            "patienter till annan vårdgivare, i praktiken "
            "vårdgarantiavtal)",
            "amount": 320000000,
            "used_amount": 320000000,
            "line": None,
            "assignment_id": None,
            "allocation_key": "Per sjukhusstyrelse med operationsverksamhet, efter "
            "sjukhusets andel av de totala "
            "samordningskostnaderna (i praktiken kostnader för "
            "vårdgarantiavtalen)",
            "decision": "RF 2024-06-11; HSN 2024-10-03",
            "counterparty": "internal",
            "co_org_units": [],
            "updated_at": "2026-12-02T13:55:20.633831Z",
            "change_seq": 12,
        },
        "Summary": {
            "org_unit": "HSN",
            "year": 2024,
            "through": "2024-12",
            "months": 12,
            "grant": 16074700000,
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
                    "derived": False,
                    "derivation": None,
                    "note": 'The per-area table ("tabellen ovan") is '
                    "missing from the text extraction. The "
                    "running text gives deviations only for "
                    "läkemedelsförmånen (+77,1), tandvård (-161), "
                    "klinikläkemedel (+189), specialistvårdval "
                    "rekvisition (-27,1), smittskydd (+19,8) and "
                    "sällsynta diagnoser/ATMP (+173,1); nothing "
                    "for köpt vård från andra regioner, EU-vård, "
                    "avtalad vård i privat regi, ambulans, "
                    "specialistvårdval, forskning, migration, "
                    "revenue or the unused tilläggsbudget. The "
                    "lines therefore do not reproduce the result, "
                    "and the report states no budgeted result to "
                    "compare it with.",
                    "source_text": "Det ekonomiska utfallet för HSN 2024 "
                    "var 85,3 miljoner kronor, och "
                    "specificeras med intäkter och "
                    "kostnader per budgetområde i tabellen "
                    "ovan",
                    "mnkr": {"result": "85,3"},
                },
                "forecast": None,
                "outcome_months": 12,
                "missing": ["budget"],
                "explanation": "Stated for HSN 2024: outcome result 85,3 mnkr "
                "through 2024-12. No budget total is stated, so "
                "the deviation and the budget rule cannot be "
                "judged.",
            },
            "line_sums": {
                "lines": 4,
                "compared": 2,
                "budget_result": -6385500000,
                "budget_result_to_date": -6385500000,
                "outcome_result": -6428300000,
                "deviation": -83900000,
                "forecast_result": None,
                "forecast_deviation": None,
                "mnkr": {
                    "budget_result": "-6 385,5",
                    "budget_result_to_date": "-6 385,5",
                    "outcome_result": "-6 428,3",
                    "deviation": "-83,9",
                },
            },
            "coverage": {
                "lines": 4,
                "compared": 2,
                "without_budget": ["ambulans_upphandlad"],
                "without_outcome": ["kopt_vard_andra_regioner"],
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
                    "forecast": None,
                    "forecast_result": None,
                    "forecast_deviation": None,
                    "meets_budget_rule": None,
                    "meets_budget_rule_basis": None,
                    "reported_deviation": None,
                    "mnkr": {"outcome_result": "-519,7"},
                }
            ],
            "earmarked": {
                "items": [
                    {
                        "id": "HSN-2024-01",
                        "org_unit": "HSN",
                        "year": 2024,
                        "kind": "tillaggsbudget_anvandning",
                        "purpose": "Kompensation till sjukhusstyrelser med "
                        "operationsverksamhet för "
                        "samordningskostnader (samordna "
                        "patienter till annan vårdgivare, i "
                        "praktiken vårdgarantiavtal)",
                        "amount": 320000000,
                        "used_amount": 320000000,
                        "line": None,
                        "assignment_id": None,
                        "allocation_key": "Per sjukhusstyrelse med "
                        "operationsverksamhet, efter "
                        "sjukhusets andel av de totala "
                        "samordningskostnaderna (i "
                        "praktiken kostnader för "
                        "vårdgarantiavtalen)",
                        "decision": "RF 2024-06-11; HSN 2024-10-03",
                        "counterparty": "internal",
                        "co_org_units": [],
                        "updated_at": "2026-12-02T13:55:20.633831Z",
                        "change_seq": 12,
                    }
                ],
                "amount_total": 380700000,
                "used_total": 380700000,
                "amount_not_stated": 1,
            },
            "reported": {
                "result": {
                    "budget_result": None,
                    "budget_result_stated": False,
                    "outcome_result": 85300000,
                    "deviation": None,
                    "reproducible_from_lines": False,
                    "note": 'The per-area table ("tabellen ovan") is '
                    "missing from the text extraction. The "
                    "running text gives deviations only for "
                    "läkemedelsförmånen (+77,1), tandvård "
                    "(-161), klinikläkemedel (+189), "
                    "specialistvårdval rekvisition (-27,1), "
                    "smittskydd (+19,8) and sällsynta "
                    "diagnoser/ATMP (+173,1); nothing for köpt "
                    "vård från andra regioner, EU-vård, avtalad "
                    "vård i privat regi, ambulans, "
                    "specialistvårdval, forskning, migration, "
                    "revenue or the unused tilläggsbudget. The "
                    "lines therefore do not reproduce the "
                    "result, and the report states no budgeted "
                    "result to compare it with.",
                    "source_text": "Det ekonomiska utfallet för HSN "
                    "2024 var 85,3 miljoner kronor, och "
                    "specificeras med intäkter och "
                    "kostnader per budgetområde i "
                    "tabellen ovan",
                    "mnkr": {"outcome_result": "85,3"},
                },
                "deviations": [
                    {
                        "line": "kliniklakemedel_inkl_solidariskt_finansierade",
                        "label": "Klinikläkemedel inklusive nationellt "
                        "solidariskt finansierade "
                        "klinikläkemedel",
                        "deviation": 189000000,
                        "deviation_mnkr": "189,0",
                        "share_bp": None,
                        "has_budget_line": False,
                        "source_text": "Klinikläkemedel inklusive "
                        "nationellt solidariskt "
                        "finansierade klinikläkemedel "
                        "hade ett överskott på 189 "
                        "miljoner kronor, medan "
                        "specialistvårdvalens "
                        "rekvisitionskostnader ökade "
                        "med 6,3 procent, vilket gav "
                        "ett underskott på 27,1 "
                        "miljoner.",
                    }
                ],
                "figures": [
                    {
                        "id": "HSN/2024/alf_medel/-/change",
                        "org_unit": "HSN",
                        "year": 2024,
                        "figure": "alf_medel",
                        "item": None,
                        "measure": "change",
                        "amount": None,
                        "amount_mnkr": None,
                        "share_bp": -500,
                        "approximate": True,
                        "value_year": None,
                        "line": None,
                        "label": "ALF-medel (statlig ersättning för "
                        "klinisk forskning, Region Skåne och "
                        "Lunds universitet gemensamt), "
                        "förändring mot 2023",
                        "about_org_units": ["REGION"],
                        "derived": False,
                        "derivation": None,
                        "source_text": "Statlig ersättning för klinisk "
                        "forskning som tilldelas Region "
                        "Skåne och Lunds universitet "
                        "gemensamt (ALF-medel) minskade "
                        "med cirka 5 procent under 2024 "
                        "jämfört med 2023.",
                        "updated_at": "2026-12-02T13:55:20.756394Z",
                        "change_seq": 57,
                    }
                ],
            },
            "mnkr": {"grant": "16 074,7", "outcome_result": "85,3"},
        },
        "Page_OutcomeOut_": {
            "items": [
                {
                    "id": "HSN/ambulans_upphandlad/2024-12",
                    "org_unit": "HSN",
                    "line": "ambulans_upphandlad",
                    "month": "2024-12",
                    "revenue": 0,
                    "cost": 519700000,
                    "derived": False,
                    "derivation": None,
                    "updated_at": "2026-12-02T13:55:20.606570Z",
                    "change_seq": 10,
                }
            ],
            "next_cursor": "IkhTTi9sYWtlbWVkZWxzZm9ybWFuZW4vMjAyNC0xMiI",
            "next": "http://127.0.0.1:8000/v1/outcomes?org_unit=HSN&year=2024&limit=2&cursor=IkhTTi9sYWtlbWVkZWxzZm9ybWFuZW4vMjAyNC0xMiI",
        },
        "Page_TotalOut_": {
            "items": [
                {
                    "id": "HSN/2024/outcome/2024-12",
                    "org_unit": "HSN",
                    "year": 2024,
                    "kind": "outcome",
                    "month": "2024-12",
                    "revenue": None,
                    "cost": None,
                    "result": 85300000,
                    "result_mnkr": "85,3",
                    "derived": False,
                    "derivation": None,
                    "note": 'The per-area table ("tabellen ovan") is missing '
                    "from the text extraction. The running text gives "
                    "deviations only for läkemedelsförmånen (+77,1), "
                    "tandvård (-161), klinikläkemedel (+189), "
                    "specialistvårdval rekvisition (-27,1), "
                    "smittskydd (+19,8) and sällsynta diagnoser/ATMP "
                    "(+173,1); nothing for köpt vård från andra "
                    "regioner, EU-vård, avtalad vård i privat regi, "
                    "ambulans, specialistvårdval, forskning, "
                    "migration, revenue or the unused tilläggsbudget. "
                    "The lines therefore do not reproduce the result, "
                    "and the report states no budgeted result to "
                    "compare it with.",
                    "source_text": "Det ekonomiska utfallet för HSN 2024 var "
                    "85,3 miljoner kronor, och specificeras "
                    "med intäkter och kostnader per "
                    "budgetområde i tabellen ovan",
                    "updated_at": "2026-12-02T13:55:20.687288Z",
                    "change_seq": 19,
                    "round": None,
                }
            ],
            "next_cursor": None,
            "next": None,
        },
        "Page_ReportedDeviationItem_": {
            "items": [
                {
                    "id": "HSN/2024/kliniklakemedel_inkl_solidariskt_finansierade",
                    "org_unit": "HSN",
                    "year": 2024,
                    "line": "kliniklakemedel_inkl_solidariskt_finansierade",
                    "label": "Klinikläkemedel inklusive "
                    "nationellt solidariskt "
                    "finansierade klinikläkemedel",
                    "deviation": 189000000,
                    "deviation_mnkr": "189,0",
                    "share_bp": None,
                    "source_text": "Klinikläkemedel inklusive "
                    "nationellt solidariskt "
                    "finansierade klinikläkemedel "
                    "hade ett överskott på 189 "
                    "miljoner kronor, medan "
                    "specialistvårdvalens "
                    "rekvisitionskostnader ökade "
                    "med 6,3 procent, vilket gav "
                    "ett underskott på 27,1 "
                    "miljoner.",
                    "updated_at": "2026-12-02T13:55:20.727821Z",
                    "change_seq": 22,
                }
            ],
            "next_cursor": "IkhTTi8yMDI0L2xha2VtZWRlbF9zYWxsc3ludGFfZGlhZ25vc2VyX2F0bXAi",
            "next": "http://127.0.0.1:8000/v1/reported-deviations?org_unit=HSN&year=2024&limit=2&cursor=IkhTTi8yMDI0L2xha2VtZWRlbF9zYWxsc3ludGFfZGlhZ25vc2VyX2F0bXAi",
        },
        "Page_ReportedFigureOut_": {
            "items": [
                {
                    "id": "HSN/2024/alf_medel/-/change",
                    "org_unit": "HSN",
                    "year": 2024,
                    "figure": "alf_medel",
                    "item": None,
                    "measure": "change",
                    "amount": None,
                    "amount_mnkr": None,
                    "share_bp": -500,
                    "approximate": True,
                    "value_year": None,
                    "line": None,
                    "label": "ALF-medel (statlig ersättning för "
                    "klinisk forskning, Region Skåne och "
                    "Lunds universitet gemensamt), "
                    "förändring mot 2023",
                    "about_org_units": ["REGION"],
                    "derived": False,
                    "derivation": None,
                    "source_text": "Statlig ersättning för klinisk "
                    "forskning som tilldelas Region "
                    "Skåne och Lunds universitet "
                    "gemensamt (ALF-medel) minskade "
                    "med cirka 5 procent under 2024 "
                    "jämfört med 2023.",
                    "updated_at": "2026-12-02T13:55:20.756394Z",
                    "change_seq": 57,
                }
            ],
            "next_cursor": "IkhTTi8yMDI0L2FtYnVsYW5zX3VwcGhhbmRsYWRfbmV0dG9rb3N0bmFkLy0vY2hhbmdlIg",
            "next": "http://127.0.0.1:8000/v1/reported-figures?org_unit=HSN&year=2024&limit=2&cursor=IkhTTi8yMDI0L2FtYnVsYW5zX3VwcGhhbmRsYWRfbmV0dG9rb3N0bmFkLy0vY2hhbmdlIg",
        },
        "FinancialGoals": {
            "org_unit": "REGION",
            "year": 2024,
            "goals": [
                {
                    "goal": "result",
                    "name": "Resultatmål",
                    "goal_area": "G5.A1",
                    "rule": "Σ result 2020–2024 ≥ 2 % of Σ tax_and_grant_revenue 2020–2024",
                    "comparison": "at_least",
                    "status": "not_evaluable",
                    "window": {"first": 2020, "last": 2024},
                    "years": [2020],
                    "figures": [],
                    "value": None,
                    "limit": None,
                    "ratio_numerator": None,
                    "ratio_denominator": None,
                    "ratio_bp": None,
                    "ratio_exact": None,
                    "threshold_bp": 200,
                    "missing_years": [2020],
                    "missing_figures": [],
                    "debt_goal_status": None,
                    "explanation": "Not evaluable: no figures for 2020, 2021, "
                    "2022, 2023, 2024. Nothing is guessed.",
                }
            ],
        },
        "ExpectedItems": {
            "org_unit": "HSN",
            "periods": ["2024"],
            "items": [
                {
                    "kind": "outcome",
                    "org_unit": "HSN",
                    "period": "2024",
                    "subject": {
                        "months": 12,
                        "months_booked": 1,
                        "missing_months": ["2024-01"],
                        "total_through": "2024-12",
                    },
                    "received": True,
                    "received_at": "2026-12-02T13:55:20.687288Z",
                    "detail": "1 of 12 months booked on lines (missing "
                    "2024-01, 2024-02, 2024-03, 2024-04, 2024-05, "
                    "2024-06, 2024-07, 2024-08, 2024-09, 2024-10, "
                    "2024-11); outcome total stated year to date "
                    "through 2024-12.",
                }
            ],
        },
        "ForecastRounds": {
            "org_unit": "HSN",
            "year": 2024,
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
            "latest_round": None,
            "latest_made_in": None,
            "previous_round": None,
            "previous_made_in": None,
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
        },
        "FollowUpSection": {
            "summary": {
                "org_unit": "HSN",
                "year": 2024,
                "through": "2024-08",
                "months": 8,
                "grant": 16074700000,
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
                "budget_result": None,
                "budget_result_to_date": None,
                "outcome_result": None,
                "deviation": None,
                "forecast_result": None,
                "forecast_deviation": None,
                "meets_budget_rule": None,
                "meets_budget_rule_basis": None,
                "total": {
                    "budget": None,
                    "outcome": None,
                    "forecast": None,
                    "outcome_months": None,
                    "missing": ["budget"],
                    "explanation": "No total is stated for HSN "
                    "2024 (load one at "
                    "/v1/totals), so the headline "
                    "is empty; the lines are "
                    "summed under line_sums, which "
                    "is not the committee's "
                    "total.",
                },
                "line_sums": {
                    "lines": 4,
                    "compared": 0,
                    "budget_result": -6385500000,
                    "budget_result_to_date": -4257000001,
                    "outcome_result": None,
                    "deviation": None,
                    "forecast_result": None,
                    "forecast_deviation": None,
                    "mnkr": {"budget_result": "-6 385,5", "budget_result_to_date": "-4 257,0"},
                },
                "coverage": {
                    "lines": 4,
                    "compared": 0,
                    "without_budget": ["ambulans_upphandlad"],
                    "without_outcome": ["ambulans_upphandlad"],
                },
                "lines": [
                    {
                        "line": "ambulans_upphandlad",
                        "label": "Upphandlad ambulanssjukvård (budget ej angiven)",
                        "counterparty": "external",
                        "budget": None,
                        "budget_result": None,
                        "budget_result_to_date": None,
                        "outcome": None,
                        "outcome_result": None,
                        "deviation": None,
                        "forecast": None,
                        "forecast_result": None,
                        "forecast_deviation": None,
                        "meets_budget_rule": None,
                        "meets_budget_rule_basis": None,
                        "reported_deviation": None,
                        "mnkr": {},
                    }
                ],
                "earmarked": {
                    "items": [
                        {
                            "id": "HSN-2024-01",
                            "org_unit": "HSN",
                            "year": 2024,
                            "kind": "tillaggsbudget_anvandning",
                            "purpose": "Kompensation till "
                            "sjukhusstyrelser "
                            "med "
                            "operationsverksamhet "
                            "för "
                            "samordningskostnader "
                            "(samordna "
                            "patienter till "
                            "annan vårdgivare, "
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
                            "andel av de "
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
                            "updated_at": "2026-12-02T13:55:20.633831Z",
                            "change_seq": 12,
                        }
                    ],
                    "amount_total": 380700000,
                    "used_total": 380700000,
                    "amount_not_stated": 1,
                },
                "reported": {
                    "result": None,
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
                            "deviation_mnkr": "189,0",
                            "share_bp": None,
                            "has_budget_line": False,
                            "source_text": "Klinikläkemedel "
                            "inklusive "
                            "nationellt "
                            "solidariskt "
                            "finansierade "
                            "klinikläkemedel "
                            "hade ett "
                            "överskott "
                            "på 189 "
                            "miljoner "
                            "kronor, "
                            "medan "
                            "specialistvårdvalens "
                            "rekvisitionskostnader "
                            "ökade med "
                            "6,3 "
                            "procent, "
                            "vilket gav "
                            "ett "
                            "underskott "
                            "på 27,1 "
                            "miljoner.",
                        }
                    ],
                    "figures": [
                        {
                            "id": "HSN/2024/alf_medel/-/change",
                            "org_unit": "HSN",
                            "year": 2024,
                            "figure": "alf_medel",
                            "item": None,
                            "measure": "change",
                            "amount": None,
                            "amount_mnkr": None,
                            "share_bp": -500,
                            "approximate": True,
                            "value_year": None,
                            "line": None,
                            "label": "ALF-medel (statlig "
                            "ersättning för "
                            "klinisk forskning, "
                            "Region Skåne och "
                            "Lunds universitet "
                            "gemensamt), "
                            "förändring mot 2023",
                            "about_org_units": ["REGION"],
                            "derived": False,
                            "derivation": None,
                            "source_text": "Statlig "
                            "ersättning "
                            "för klinisk "
                            "forskning som "
                            "tilldelas "
                            "Region Skåne "
                            "och Lunds "
                            "universitet "
                            "gemensamt "
                            "(ALF-medel) "
                            "minskade med "
                            "cirka 5 "
                            "procent under "
                            "2024 jämfört "
                            "med 2023.",
                            "updated_at": "2026-12-02T13:55:20.756394Z",
                            "change_seq": 57,
                        }
                    ],
                },
                "mnkr": {"grant": "16 074,7"},
            },
            "forecast_rounds": {
                "org_unit": "HSN",
                "year": 2024,
                "through": "2024-08",
                "rounds": [
                    {
                        "round": "mars",
                        "made_in": "2024-03",
                        "made": False,
                        "lines": 0,
                        "total_result": None,
                    }
                ],
                "latest_round": None,
                "latest_made_in": None,
                "previous_round": None,
                "previous_made_in": None,
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
            },
        },
        "LoadReport": {
            "inserted": 0,
            "updated": 0,
            "unchanged": 1,
            "rejected": [],
            "dry_run": True,
        },
        "Page_ForecastOut_": {
            "items": [
                {
                    "id": "HSN/kopt_vard_andra_regioner/2024-08",
                    "org_unit": "HSN",
                    "line": "kopt_vard_andra_regioner",
                    "made_in": "2024-08",
                    "revenue": 0,
                    "cost": 560800000,
                    "derived": True,
                    "derivation": "Prognos i nivå med budget 2024 "
                    "(HSN/2024/kopt_vard_andra_regioner)",
                    "updated_at": "2026-12-02T13:56:23.659350Z",
                    "change_seq": 60,
                    "round": "augusti",
                }
            ],
            "next_cursor": None,
            "next": None,
        },
        "Page_FinancialFiguresOut_": {
            "items": [
                {
                    "id": "REGION/2024",
                    "org_unit": "REGION",
                    "year": 2024,
                    "tax_and_grant_revenue": None,
                    "result": None,
                    "balance_adjustments": None,
                    "depreciation": None,
                    "investments": None,
                    "net_debt": None,
                    "source_text": "Uppföljningsplan 2023 anger "
                    "målen (självfinansieringsgrad, "
                    "skuldsättning) men inga belopp "
                    "för 2024.",
                    "updated_at": "2026-12-02T13:56:24.126542Z",
                    "change_seq": 61,
                }
            ],
            "next_cursor": None,
            "next": None,
        },
        "GrantIn": {
            "components": [
                {
                    "kind": "base",
                    "label": "Regionbidrag 2023 (föregående nivå)",
                    "amount": 14688300000,
                    "decision": None,
                    "used": None,
                    "counterparty": None,
                    "counterparty_text": None,
                    "derived": True,
                    "derivation": "15 428,7 - 740,4 mnkr",
                    "position": 0,
                    "amount_mnkr": "14 688,3",
                    "mirrored_from": None,
                },
                {
                    "kind": "indexation",
                    "label": "Uppräkning för kostnadsutveckling, 434,0 mnkr "
                    "(trolig tolkning: nettouppräkning "
                    "LPIK/demografi/medicinskteknisk utveckling 2,9 %, "
                    "efter effektiviseringskrav 1,5 %; ej uttryckligen "
                    "angivet)",
                    "amount": 434000000,
                    "decision": None,
                    "used": None,
                    "counterparty": None,
                    "counterparty_text": None,
                    "derived": False,
                    "derivation": None,
                    "position": 1,
                    "amount_mnkr": "434,0",
                    "mirrored_from": None,
                },
            ]
        },
        "BudgetLineIn": {
            "revenue": None,
            "cost": None,
            "counterparty": "external",
            "label": "Upphandlad ambulanssjukvård (budget ej angiven)",
            "basis": "net",
            "derivation": None,
        },
        "EarmarkedIn": {
            "org_unit": "HSN",
            "year": 2024,
            "kind": "tillaggsbudget_anvandning",
            "purpose": "Kompensation till sjukhusstyrelser med operationsverksamhet "
            "för samordningskostnader (samordna patienter till annan "
            "vårdgivare, i praktiken vårdgarantiavtal)",
            "amount": 320000000,
            "used_amount": 320000000,
            "line": None,
            "assignment_id": None,
            "allocation_key": "Per sjukhusstyrelse med operationsverksamhet, efter "
            "sjukhusets andel av de totala samordningskostnaderna "
            "(i praktiken kostnader för vårdgarantiavtalen)",
            "decision": "RF 2024-06-11; HSN 2024-10-03",
            "counterparty": "internal",
            "co_org_units": [],
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
            "decided_at": "2026-12-02T13:56:24.980153Z",
            "decided_by": "abb6c8dadefc",
            "body": "Hälso- och sjukvårdsnämnden",
            "reference": "HSN § 28",
            "active": True,
            "reopened_at": None,
            "reopened_by": None,
            "reopen_reason": None,
            "updated_at": "2026-12-02T13:56:24.980153Z",
            "change_seq": 64,
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
                    "decided_at": "2026-12-02T13:56:24.980153Z",
                    "decided_by": "abb6c8dadefc",
                    "body": "Hälso- och sjukvårdsnämnden",
                    "reference": "HSN § 28",
                    "active": True,
                    "reopened_at": None,
                    "reopened_by": None,
                    "reopen_reason": None,
                    "updated_at": "2026-12-02T13:56:24.980153Z",
                    "change_seq": 64,
                }
            ],
            "next_cursor": None,
            "next": None,
        },
        "AuditPage": {
            "items": [
                {
                    "id": 1,
                    "at": "2026-12-02T13:55:20.759038Z",
                    "key_id": "seed",
                    "action": "seed",
                    "resource": "budget",
                    "resource_id": "budget.yaml",
                    "change": {"rows": 69},
                }
            ]
        },
        "Health": {"status": "ok"},
    },
    bodies={
        "budget_load_outcomes": [
            {
                "org_unit": "HSN",
                "line": "ambulans_upphandlad",
                "month": "2024-12",
                "revenue": 0,
                "cost": 519700000,
                "derivation": None,
            }
        ],
        "budget_load_totals": [
            {
                "org_unit": "HSN",
                "year": 2024,
                "kind": "outcome",
                "month": "2024-12",
                "revenue": None,
                "cost": None,
                "result": 85300000,
                "derivation": None,
                "note": 'The per-area table ("tabellen ovan") is missing from '
                "the text extraction. The running text gives deviations "
                "only for läkemedelsförmånen (+77,1), tandvård (-161), "
                "klinikläkemedel (+189), specialistvårdval rekvisition "
                "(-27,1), smittskydd (+19,8) and sällsynta "
                "diagnoser/ATMP (+173,1); nothing for köpt vård från "
                "andra regioner, EU-vård, avtalad vård i privat regi, "
                "ambulans, specialistvårdval, forskning, migration, "
                "revenue or the unused tilläggsbudget. The lines "
                "therefore do not reproduce the result, and the report "
                "states no budgeted result to compare it with.",
                "source_text": "Det ekonomiska utfallet för HSN 2024 var 85,3 "
                "miljoner kronor, och specificeras med intäkter "
                "och kostnader per budgetområde i tabellen "
                "ovan",
            }
        ],
        "budget_load_reported_deviations": [
            {
                "org_unit": "HSN",
                "year": 2024,
                "line": "kliniklakemedel_inkl_solidariskt_finansierade",
                "label": "Klinikläkemedel inklusive nationellt "
                "solidariskt finansierade klinikläkemedel",
                "deviation": 189000000,
                "share_bp": None,
                "source_text": "Klinikläkemedel inklusive "
                "nationellt solidariskt "
                "finansierade klinikläkemedel hade "
                "ett överskott på 189 miljoner "
                "kronor, medan specialistvårdvalens "
                "rekvisitionskostnader ökade med "
                "6,3 procent, vilket gav ett "
                "underskott på 27,1 miljoner.",
            }
        ],
        "budget_load_reported_figures": [
            {
                "org_unit": "HSN",
                "year": 2024,
                "figure": "alf_medel",
                "item": None,
                "measure": "change",
                "amount": None,
                "share_bp": -500,
                "approximate": True,
                "value_year": None,
                "line": None,
                "label": "ALF-medel (statlig ersättning för klinisk "
                "forskning, Region Skåne och Lunds "
                "universitet gemensamt), förändring mot 2023",
                "about_org_units": ["REGION"],
                "derivation": None,
                "source_text": "Statlig ersättning för klinisk "
                "forskning som tilldelas Region Skåne "
                "och Lunds universitet gemensamt "
                "(ALF-medel) minskade med cirka 5 "
                "procent under 2024 jämfört med "
                "2023.",
            }
        ],
        "budget_load_forecasts": [
            {
                "org_unit": "HSN",
                "line": "kopt_vard_andra_regioner",
                "made_in": "2024-08",
                "revenue": 0,
                "cost": 560800000,
                "derivation": "Prognos i nivå med budget 2024 (HSN/2024/kopt_vard_andra_regioner)",
            }
        ],
        "budget_load_financial_figures": [
            {
                "org_unit": "REGION",
                "year": 2024,
                "tax_and_grant_revenue": None,
                "result": None,
                "balance_adjustments": None,
                "depreciation": None,
                "investments": None,
                "net_debt": None,
                "source_text": "Uppföljningsplan 2023 anger målen "
                "(självfinansieringsgrad, "
                "skuldsättning) men inga belopp för "
                "2024.",
            }
        ],
        "budget_reopen_lock": {
            "reason": "Verksamhetsberättelsen 2024 återremitterades; siffrorna ses över."
        },
    },
)
