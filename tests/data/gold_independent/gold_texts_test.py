"""Source texts and labels of the TEST half of the independent gold set (see make_gold.py).

Held out: the engine must not be tuned on these documents. Same conventions as
gold_texts_dev.py. Written by the goldset helper; labels follow LEVELS.md.
"""

DOCS: list[dict] = []

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="aqg_en_ambient_regulations", rubric="who_aqg", language="en", formats=["docx", "pdf"], edition="2021",
    text="""
# The Air Quality Standards Regulations 2022 — S.I. 2022 No. 318

Made under section 2(2) of the Clean Air Act 2019 by the Secretary of State for Environment, Food and Rural Affairs. Laid before Parliament on 3 March 2022.

## Part 1 — General

1. Citation and commencement. These Regulations may be cited as the Air Quality Standards Regulations 2022 and come into force on 1 June 2022.

2. Duty. The Secretary of State must ensure that levels of the pollutants in Schedule 2 do not exceed the limit values set out there, throughout each zone.

## Schedule 2 — Limit values for the protection of human health

## Fine particulate matter (PM2.5)

The limit value is 10 µg/m³, averaged over a calendar year. From 1 January 2030 the annual limit value shall be 5 µg/m³.

A limit value of 25 µg/m³ applies to the 24-hour mean, not to be exceeded more than 18 times in a calendar year.

## Particulate matter (PM10)

Limit values: 40 µg/m³ (calendar year) and 50 µg/m³ (24 hours, not to be exceeded more than 35 times a calendar year).

## Nitrogen dioxide

200 µg/m³ as a 1-hour mean, not to be exceeded more than 18 times a calendar year; 40 µg/m³ as an annual mean.

## Sulphur dioxide

| Averaging period | Limit value | Unit | Permitted exceedances |
| 1 hour | 350 | µg/m³ | 24 times a calendar year |
| 24 hours | 125 | µg/m³ | 3 times a calendar year |
| 15 minutes | 266 | µg/m³ | 35 times a calendar year |

## Ozone and carbon monoxide

The long-term objective for ozone of 100 µg/m³ as the maximum daily 8-hour mean is indicative and is not legally binding.

Carbon monoxide: 10 mg/m³, maximum daily 8-hour running mean.

## Schedule 3 — Alert thresholds

An alert threshold of 500 µg/m³ for sulphur dioxide, measured over three consecutive hours, triggers public information; it does not constitute a limit value.
""",
    expected=dict(
        pm25_annual="partial", pm25_24h="partial", pm10_annual="partial", pm10_24h="partial",
        o3_peak_season="absent", o3_8h="absent", no2_annual="partial", no2_24h="absent",
        no2_1h="present", so2_24h="partial", so2_10min="absent", co_24h="absent",
    ),
    standards=[
        dict(criterion="pm25_annual", value=10, unit="µg/m³"),
        dict(criterion="pm25_24h", value=25, unit="µg/m³"),
        dict(criterion="pm10_annual", value=40, unit="µg/m³"),
        dict(criterion="pm10_24h", value=50, unit="µg/m³"),
        dict(criterion="no2_1h", value=200, unit="µg/m³"),
        dict(criterion="no2_annual", value=40, unit="µg/m³"),
        dict(criterion="so2_24h", value=125, unit="µg/m³"),
    ],
    decoys=["non_binding_objective", "alert_threshold", "pollutant_in_heading", "averaging_after_value", "table_value_unit_separate_cells", "other_averaging_times", "title_block"],
    decoy_quotes=[
        "The long-term objective for ozone of 100 µg/m³ as the maximum daily 8-hour mean is indicative and is not legally binding.",
        "An alert threshold of 500 µg/m³ for sulphur dioxide, measured over three consecutive hours, triggers public information; it does not constitute a limit value.",
    ],
    notes="PM2.5 annual: 10 now and 5 from 2030; the least stringent adopted value (10) counts: partial. SO2 15-minute is not the 10-minute criterion. CO 8-hour is not co_24h.",
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="aqg_fr_arrete_liste", rubric="who_aqg", language="fr", formats=["pdf"], edition="2021",
    text="""
# Arrêté n° 2023-0457 du 6 juin 2023 fixant les valeurs limites de la qualité de l'air ambiant

Le Ministre de l'Environnement et de la Transition énergétique,

Vu la loi n° 2011-14 portant code de l'environnement ;

Vu la directive 2008/50/CE du Parlement européen et du Conseil du 21 mai 2008 concernant la qualité de l'air ambiant, qui fixe pour les PM2,5 une valeur limite annuelle de 25 µg/m³ ;

Arrête :

Article 1er. Le présent arrêté fixe les valeurs limites de concentration des polluants dans l'air ambiant applicables sur l'ensemble du territoire national.

Article 2. Les valeurs limites, qui ne doivent pas être dépassées, sont fixées comme suit :

- PM2,5 : moyenne annuelle 10 µg/m³ ; moyenne journalière 25 µg/m³
- PM10 : moyenne annuelle 20 µg/m³ ; moyenne journalière 45 µg/m³
- NO2 : moyenne annuelle 20 µg/m³ ; moyenne journalière 50 µg/m³ ; moyenne horaire 200 µg/m³
- SO2 : moyenne journalière 40 µg/m³ ; moyenne sur 10 minutes 500 µg/m³
- O3 : maximum journalier de la moyenne sur 8 heures 100 µg/m³ ; moyenne de la saison de pointe 60 µg/m³
- CO : moyenne journalière 4 mg/m³

Article 3. Objectifs de qualité. À titre indicatif et sans caractère contraignant, l'objectif de qualité pour les PM2,5 est fixé à une moyenne annuelle de 5 µg/m³.

Article 4. Le Directeur général de l'environnement est chargé de l'exécution du présent arrêté, qui sera publié au Journal officiel.
""",
    expected=dict(
        pm25_annual="partial", pm25_24h="partial", pm10_annual="partial", pm10_24h="present",
        o3_peak_season="present", o3_8h="present", no2_annual="partial", no2_24h="partial",
        no2_1h="present", so2_24h="present", so2_10min="present", co_24h="present",
    ),
    standards=[
        dict(criterion="pm25_annual", value=10, unit="µg/m³"),
        dict(criterion="pm25_24h", value=25, unit="µg/m³"),
        dict(criterion="pm10_annual", value=20, unit="µg/m³"),
        dict(criterion="pm10_24h", value=45, unit="µg/m³"),
        dict(criterion="no2_annual", value=20, unit="µg/m³"),
        dict(criterion="no2_24h", value=50, unit="µg/m³"),
        dict(criterion="no2_1h", value=200, unit="µg/m³"),
        dict(criterion="so2_24h", value=40, unit="µg/m³"),
        dict(criterion="so2_10min", value=500, unit="µg/m³"),
        dict(criterion="o3_8h", value=100, unit="µg/m³"),
        dict(criterion="o3_peak_season", value=60, unit="µg/m³"),
        dict(criterion="co_24h", value=4, unit="mg/m³"),
    ],
    decoys=["list_style", "legal_citation", "non_binding_objective", "title_block"],
    decoy_quotes=[
        "qui fixe pour les PM2,5 une valeur limite annuelle de 25 µg/m³ ;",
        "À titre indicatif et sans caractère contraignant, l'objectif de qualité pour les PM2,5 est fixé à une moyenne annuelle de 5 µg/m³.",
    ],
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="aqg_ar_qarar", rubric="who_aqg", language="ar", formats=["docx"], edition="2021",
    text="""
# قرار مجلس الوزراء رقم (12) لسنة 2020 بشأن معايير جودة الهواء المحيط

الهيئة العامة للبيئة — إدارة رصد جودة الهواء.

## المادة الأولى

تسري أحكام هذا القرار على الهواء المحيط في جميع أنحاء الدولة، ويحظر أن يتجاوز تركيز أي من الملوثات الواردة في الجدول رقم (1) الحد الأقصى المسموح به المبين قرينه.

## المادة الثانية: الجدول رقم (1) — الحدود القصوى المسموح بها لملوثات الهواء المحيط

| الملوث | فترة المتوسط | الحد الأقصى المسموح به | الوحدة |
| الجسيمات الدقيقة PM2.5 | سنوي | 35 | ميكروغرام/م³ |
| الجسيمات الدقيقة PM2.5 | 24 ساعة | 75 | ميكروغرام/م³ |
| الجسيمات العالقة PM10 | سنوي | 70 | ميكروغرام/م³ |
| الجسيمات العالقة PM10 | 24 ساعة | 150 | ميكروغرام/م³ |
| ثاني أكسيد النيتروجين NO2 | ساعة واحدة | 400 | ميكروغرام/م³ |
| ثاني أكسيد النيتروجين NO2 | 24 ساعة | 150 | ميكروغرام/م³ |
| ثاني أكسيد النيتروجين NO2 | سنوي | 100 | ميكروغرام/م³ |
| ثاني أكسيد الكبريت SO2 | 24 ساعة | 150 | ميكروغرام/م³ |
| الأوزون O3 | 8 ساعات | 120 | ميكروغرام/م³ |
| أول أكسيد الكربون CO | 8 ساعات | 10 | ملغم/م³ |

## المادة الثالثة

تسترشد الهيئة بالقيم الإرشادية لمنظمة الصحة العالمية لعام 2021، ومنها 5 ميكروغرام/م³ للجسيمات الدقيقة PM2.5 متوسطاً سنوياً، دون أن تكون هذه القيم ملزمة.

## المادة الرابعة

يلغى القرار الوزاري رقم (4) لسنة 2001 الذي كان يحدد الحد الأقصى لثاني أكسيد الكبريت بـ 365 ميكروغرام/م³ لمدة 24 ساعة.
""",
    expected=dict(
        pm25_annual="partial", pm25_24h="partial", pm10_annual="partial", pm10_24h="partial",
        o3_peak_season="absent", o3_8h="partial", no2_annual="absent", no2_24h="absent",
        no2_1h="absent", so2_24h="absent", so2_10min="absent", co_24h="absent",
    ),
    standards=[
        dict(criterion="pm25_annual", value=35, unit="µg/m³"),
        dict(criterion="pm25_24h", value=75, unit="µg/m³"),
        dict(criterion="pm10_annual", value=70, unit="µg/m³"),
        dict(criterion="pm10_24h", value=150, unit="µg/m³"),
        dict(criterion="no2_1h", value=400, unit="µg/m³"),
        dict(criterion="no2_24h", value=150, unit="µg/m³"),
        dict(criterion="no2_annual", value=100, unit="µg/m³"),
        dict(criterion="so2_24h", value=150, unit="µg/m³"),
        dict(criterion="o3_8h", value=120, unit="µg/m³"),
    ],
    decoys=["reference_values_not_binding", "repealed_provision", "table_value_unit_separate_cells", "maximum_permissible_level", "title_block"],
    decoy_quotes=[
        "ومنها 5 ميكروغرام/م³ للجسيمات الدقيقة PM2.5 متوسطاً سنوياً، دون أن تكون هذه القيم ملزمة.",
        "يلغى القرار الوزاري رقم (4) لسنة 2001 الذي كان يحدد الحد الأقصى لثاني أكسيد الكبريت بـ 365 ميكروغرام/م³ لمدة 24 ساعة.",
    ],
    notes="NO2 400/150/100 and SO2 150 are adopted but above every interim target: absent. CO 8-hour is not co_24h.",
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="aqg_ru_normativy", rubric="who_aqg", language="ru", formats=["txt"], edition="2021",
    text="""
# САНИТАРНЫЕ ПРАВИЛА И НОРМЫ СанПиН 1.2.3685-21 «Гигиенические нормативы и требования к обеспечению безопасности и (или) безвредности для человека факторов среды обитания» (извлечение)

Утверждены постановлением Главного государственного санитарного врача Российской Федерации от 28 января 2021 г. № 2.

## Раздел I. Предельно допустимые концентрации (ПДК) загрязняющих веществ в атмосферном воздухе городских и сельских поселений

Настоящие нормативы являются обязательными для соблюдения на всей территории Российской Федерации.

| Наименование вещества | ПДК м.р. (20–30 мин) | ПДК с.с. (24 ч) | ПДК с.г. (год) | Единица |
| Взвешенные частицы PM2,5 | 0,16 | 0,035 | 0,025 | мг/м³ |
| Взвешенные частицы PM10 | 0,3 | 0,06 | 0,04 | мг/м³ |
| Азота диоксид | 0,2 | 0,1 | 0,04 | мг/м³ |
| Серы диоксид | 0,5 | 0,05 | — | мг/м³ |
| Углерода оксид | 5 | 3 | 3 | мг/м³ |
| Озон | 0,16 | 0,03 | — | мг/м³ |

Примечание: ПДК м.р. — максимальная разовая концентрация, осредненная за 20–30 минут; ПДК с.с. — среднесуточная; ПДК с.г. — среднегодовая.

Рекомендации Всемирной организации здравоохранения (2021 г.), в том числе 5 мкг/м³ для PM2,5 в среднем за год, учитываются как ориентир и не являются нормативом.
""",
    expected=dict(
        pm25_annual="partial", pm25_24h="partial", pm10_annual="partial", pm10_24h="partial",
        o3_peak_season="absent", o3_8h="absent", no2_annual="partial", no2_24h="partial",
        no2_1h="absent", so2_24h="partial", so2_10min="absent", co_24h="present",
    ),
    standards=[
        dict(criterion="pm25_24h", value=0.035, unit="mg/m³"),
        dict(criterion="pm25_annual", value=0.025, unit="mg/m³"),
        dict(criterion="pm10_24h", value=0.06, unit="mg/m³"),
        dict(criterion="pm10_annual", value=0.04, unit="mg/m³"),
        dict(criterion="no2_24h", value=0.1, unit="mg/m³"),
        dict(criterion="no2_annual", value=0.04, unit="mg/m³"),
        dict(criterion="so2_24h", value=0.05, unit="mg/m³"),
        dict(criterion="co_24h", value=3, unit="mg/m³"),
    ],
    decoys=["reference_values_not_binding", "other_averaging_times", "table_value_unit_separate_cells", "mg_units", "title_block"],
    decoy_quotes=[
        "Рекомендации Всемирной организации здравоохранения (2021 г.), в том числе 5 мкг/м³ для PM2,5 в среднем за год, учитываются как ориентир и не являются нормативом.",
    ],
    notes="Values in mg/m³ (×1000 for µg/m³). The 'maximum single' 20–30-minute values are neither 1-hour nor 10-minute means; ozone has no 8-hour value. Russian: no engine rules yet (issue 15 item 4 adds them); labelled from content.",
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="dec_en_local_gov_act", rubric="decentralization_basic_services", language="en", formats=["html", "pdf"],
    text="""
# THE COUNTY GOVERNMENTS ACT, 2020 — No. 11 of 2020

Date of assent: 14 August 2020. Ministry of Devolution and Planning. Council of Governors.

## PART II — STATUS OF COUNTY GOVERNMENTS

5. Legal status. (1) Every county is a body corporate with perpetual succession and a common seal, capable of suing and being sued in its corporate name. (2) A county government is distinct from the national government and shall not be subject to direction by any national body in the exercise of its functions, except as provided in the Constitution.

## PART III — COUNTY ASSEMBLIES AND PARTICIPATION

8. Composition. The county assembly consists of members elected by the registered voters of the wards by secret ballot at a general election held every five years.

9. Public participation. Each county shall establish a ward development forum in every ward, which shall be consulted on the annual development plan and budget estimates before their submission to the county assembly; the county executive shall publish the forum's recommendations and its response.

## PART IV — FUNCTIONS

14. Transfer of functions. The functions listed in the Fourth Schedule shall be transferred to counties in three phases; each phase shall take effect only after the Intergovernmental Relations Technical Committee has certified that the county has the staff, systems and funds to perform them.

## PART V — FINANCES

20. County governments should have adequate resources to perform their functions.

## PART VI — SERVICES

25. This Act does not establish service standards for water supply, sanitation or solid waste collection, which are set by sectoral legislation.

26. A lifeline tariff for low-income households was proposed during the public hearings but was not retained in the final text.

27. Public-private partnerships. A county may enter into a public-private partnership for the provision of a county service, subject to approval by the county assembly; every such contract shall specify performance standards and tariffs, and the county shall publish an annual performance report for each contract.

## FIFTH SCHEDULE — Transitional funds

| Fund | Allocation | Remarks |
| Equalisation Fund | Not applicable | — |
| Conditional grants for water services | N/A | — |
""",
    expected=dict(
        dec_local_democracy="present", dec_subsidiarity="present", dec_legal_autonomy="present",
        dec_financial_resources="partial", abs_universal_access="absent",
        abs_affordability="absent", abs_partnerships="present",
    ),
    decoys=["negation", "not_adopted", "template_rows", "council_names", "ministry_names", "title_block"],
    decoy_quotes=[
        "This Act does not establish service standards for water supply, sanitation or solid waste collection, which are set by sectoral legislation.",
        "A lifeline tariff for low-income households was proposed during the public hearings but was not retained in the final text.",
        "| Equalisation Fund | Not applicable | — |",
        "| Conditional grants for water services | N/A | — |",
        "Date of assent: 14 August 2020. Ministry of Devolution and Planning. Council of Governors.",
    ],
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="dec_fr_code_collectivites", rubric="decentralization_basic_services", language="fr", formats=["html"],
    text="""
# Code général des collectivités territoriales — Loi n° 2013-10 (extraits)

Ministère des Collectivités territoriales, du Développement et de l'Aménagement des territoires. Association des maires. Haut Conseil des collectivités territoriales.

## Sommaire

- Titre I : Principes de la décentralisation ........ 1
- Titre III : Ressources des collectivités ........ 2
- Titre V : Partenariats public-privé et délégation de service public ........ 42

## Titre I : Principes

Article premier. Les collectivités territoriales de la République sont le département et la commune. Elles sont dotées de la personnalité morale et de l'autonomie financière et s'administrent librement par des conseils élus.

Article 3. La répartition des compétences entre l'État et les collectivités territoriales s'inspire du principe de subsidiarité.

Article 7. Le conseil municipal est élu au suffrage universel direct pour cinq ans. Tout habitant peut adresser au maire une pétition demandant l'inscription d'une question à l'ordre du jour, et le conseil organise chaque année un débat public sur le projet de budget.

## Titre III : Ressources

Article 25. Il est créé un Fonds de dotation de la décentralisation, alimenté chaque année par un prélèvement de 3,5 % sur les recettes fiscales de l'État et réparti entre les collectivités territoriales selon des critères de population et de superficie fixés par décret.

Article 31. Les communes veillent à l'accès de tous à l'eau potable.

Article 32. Le présent code ne prévoit pas de tarification sociale des services de base.
""",
    expected=dict(
        dec_local_democracy="present", dec_subsidiarity="partial", dec_legal_autonomy="present",
        dec_financial_resources="present", abs_universal_access="partial",
        abs_affordability="absent", abs_partnerships="absent",
    ),
    decoys=["table_of_contents", "negation", "council_names", "ministry_names", "title_block"],
    decoy_quotes=[
        "Titre V : Partenariats public-privé et délégation de service public ........ 42",
        "Le présent code ne prévoit pas de tarification sociale des services de base.",
        "Association des maires. Haut Conseil des collectivités territoriales.",
    ],
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="dec_ru_mestnoe_samoupravlenie", rubric="decentralization_basic_services", language="ru", formats=["pdf"],
    text="""
# ФЕДЕРАЛЬНЫЙ ЗАКОН «Об общих принципах организации местного самоуправления» (извлечение)

Принят Государственной Думой. Одобрен Советом Федерации. Министерство юстиции.

Статья 3. Местное самоуправление в пределах своих полномочий самостоятельно. Органы местного самоуправления не входят в систему органов государственной власти и обладают правами юридического лица.

Статья 5. Отдельные государственные полномочия могут передаваться органам местного самоуправления только федеральным законом или законом субъекта с одновременной передачей необходимых для их осуществления материальных и финансовых средств.

Статья 9. Глава муниципального образования и депутаты представительного органа избираются на муниципальных выборах на основе всеобщего равного и прямого избирательного права при тайном голосовании. Публичные слушания по проекту местного бюджета и отчёту о его исполнении проводятся ежегодно.

Статья 20. В бюджеты городских округов зачисляются по нормативу 15 процентов налога на доходы физических лиц, а также земельный налог и налог на имущество физических лиц в полном объёме.

Статья 24. Настоящий Федеральный закон не регулирует порядок предоставления коммунальных услуг населению.

Статья 25. Вопрос о льготных тарифах для малоимущих граждан может быть рассмотрен при подготовке отдельного закона.

Статья 26. Органы местного самоуправления содействуют развитию муниципально-частного партнёрства.
""",
    expected=dict(
        dec_local_democracy="present", dec_subsidiarity="present", dec_legal_autonomy="present",
        dec_financial_resources="present", abs_universal_access="absent",
        abs_affordability="absent", abs_partnerships="partial",
    ),
    decoys=["negation", "hypothetical", "title_block"],
    decoy_quotes=[
        "Настоящий Федеральный закон не регулирует порядок предоставления коммунальных услуг населению.",
        "Вопрос о льготных тарифах для малоимущих граждан может быть рассмотрен при подготовке отдельного закона.",
    ],
    notes="Russian: no engine rules yet (issue 15 item 4 adds them); labelled from content.",
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="igutp_en_district_plan", rubric="igutp", language="en", formats=["html"],
    text="""
# Riverside District Local Plan 2022–2037 — Adopted Version

Riverside District Council, Planning Policy Team. Adopted by Full Council on 21 July 2022.

## Contents

- 1. Vision and strategic objectives
- 2. Housing
- 3. Economy and employment
- 4. Natural environment
- 5. Climate change and flood risk
- 6. Heritage and culture
- 7. Delivery and monitoring

## 1. Vision and strategic objectives

Policy SP1 — Vision. By 2037 Riverside will be a district of thriving market towns linked by green corridors. The vision was agreed with residents at 14 community workshops, and the Riverside Transport Plan and the Housing Strategy are required to conform to it.

The Council will seek a better balance between the town centre and the rural villages.

Several growth options were considered during the preparation of the plan.

This plan does not set out arrangements for community participation in planning decisions; these are contained in the separate Statement of Community Involvement.

## 2. Housing

Policy H2 — Affordable housing. Developments of ten or more homes shall provide at least 35% affordable housing on site, of which at least 25% shall be social rent.

## 3. Economy and employment

Policy E1 — Northgate employment area. The plan allocates 45 hectares of employment land at Northgate. No unit may be occupied before the new Northgate rail station and the link road are open, and developers shall offer 20% of construction jobs to residents of the district.

## 4. Natural environment

Policy EN1 — Biodiversity. Development that would result in the loss of ancient woodland will be refused. All development must deliver at least 10% biodiversity net gain, secured for 30 years.

## 5. Climate change and flood risk

Policy CC2 — Flood risk and carbon. No new homes will be permitted in Flood Zone 3. All major development shall include sustainable drainage systems and achieve net-zero regulated operational carbon.

A minimum density policy could be introduced at the next review of the plan.

## 6. Heritage and culture

Chapter 6 will be published as a separate supplementary planning document.

## 7. Delivery and monitoring

The Council's Planning Delivery Team will coordinate the infrastructure providers through the Infrastructure Delivery Plan (Appendix B), which sets out for each allocated site the responsible body, the cost and the funding source.

The Authority Monitoring Report will be published every December against the 24 indicators of Appendix C; a full review of the plan will be triggered if housing delivery falls below 85% of the requirement for two consecutive years.

## Bibliography

- Historic England (2019). Conservation Principles for the Sustainable Management of the Historic Environment.
- Town and Country Planning Association (2021). Community participation in local plans.
""",
    expected=dict(
        a1_shared_vision="present", a2_governance="absent", b1_social_inclusion="present",
        b1_culture_diversity="absent", b2_inclusive_growth="present",
        b2_balanced_development="partial", b3_environment="present", b3_resilience="present",
        c1_multi_dimension="absent", c2_spatial_scenarios="partial", d1_implementation="present",
        d2_monitoring="present",
    ),
    decoys=["table_of_contents", "negation", "hypothetical", "bibliography", "council_names", "title_block"],
    decoy_quotes=[
        "6. Heritage and culture",
        "Chapter 6 will be published as a separate supplementary planning document.",
        "This plan does not set out arrangements for community participation in planning decisions; these are contained in the separate Statement of Community Involvement.",
        "A minimum density policy could be introduced at the next review of the plan.",
        "Historic England (2019). Conservation Principles for the Sustainable Management of the Historic Environment.",
        "Town and Country Planning Association (2021). Community participation in local plans.",
    ],
    notes="a2 absent: participation arrangements explicitly left to another document (the workshops that shaped the vision count under a1).",
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="igutp_en_metro_plan", rubric="igutp", language="en", formats=["pdf"],
    text="""
# Greater Kendal Bay Metropolitan Spatial Plan 2025–2045

Greater Kendal Bay Metropolitan Authority. Ministry of Local Government and Urban Development. Approved by Cabinet Decision 44/2025.

## Table of contents

- Part 1 Introduction ........ 1
- Part 4 Natural environment and protected areas ........ 22
- Part 6 Monitoring and review ........ 41

## Part 1 — Introduction

The plan reflects a shared aspiration for a prosperous metropolitan region and seeks to improve living conditions for all residents.

## Part 2 — Governance of the plan

A Metropolitan Planning Forum of the nine mayors meets every quarter in public session. Every amendment to the plan is open to public comment for 60 days, and the Authority publishes each decision with its reasons and the comments received.

## Part 3 — Spatial strategy

Three growth scenarios (trend, compact and polycentric) were modelled with the regional land-use and transport model; the Authority adopted the polycentric scenario, which is translated into the metropolitan zoning map (Map 2).

The urban growth boundary shown on Map 2 is fixed until 2040. At least 70% of new dwellings shall be built within the existing urban footprint, in three five-year phases, each financed through the metropolitan capital programme.

The secondary centres of Ashford Junction and Lowmoor will receive 40% of public infrastructure investment under the metropolitan capital programme and will be connected to the core by a 62 km commuter rail line by 2032.

The 14 traditional villages listed in Annex 4 are designated Cultural Heritage Areas, in which building height is limited to two storeys and traditional crafts and markets are protected uses.

All development is prohibited in the 1-in-100-year floodplain mapped on Map 6, and the plan allocates USD 85 million to four flood retention basins.

An economic development strategy may be prepared in the future.

## Part 5 — Implementation

This plan does not define the institutional arrangements for its implementation, which will be established by separate legislation.

| Component | Instrument | Lead agency |
| Monitoring and review | Not applicable | — |
| Environmental protection | Not applicable | — |

## Consultees

- Metropolitan Environmental Protection Agency
- Kendal Bay Chamber of Commerce
- National Disaster Management Office

## References

- IUCN (2016). Guidelines for applying protected area management categories to natural environments.
""",
    expected=dict(
        a1_shared_vision="partial", a2_governance="present", b1_social_inclusion="partial",
        b1_culture_diversity="present", b2_inclusive_growth="absent",
        b2_balanced_development="present", b3_environment="absent", b3_resilience="present",
        c1_multi_dimension="present", c2_spatial_scenarios="present", d1_implementation="absent",
        d2_monitoring="absent",
    ),
    decoys=["table_of_contents", "negation", "hypothetical", "template_rows", "consultation_list", "bibliography", "ministry_names", "title_block"],
    decoy_quotes=[
        "Part 4 Natural environment and protected areas ........ 22",
        "Part 6 Monitoring and review ........ 41",
        "An economic development strategy may be prepared in the future.",
        "This plan does not define the institutional arrangements for its implementation, which will be established by separate legislation.",
        "| Monitoring and review | Not applicable | — |",
        "| Environmental protection | Not applicable | — |",
        "Metropolitan Environmental Protection Agency",
        "National Disaster Management Office",
        "IUCN (2016). Guidelines for applying protected area management categories to natural environments.",
    ],
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="igutp_es_plan_ordenamiento", rubric="igutp", language="es", formats=["docx"],
    text="""
# Programa Municipal de Desarrollo Urbano de Santa Lucía del Valle 2024–2040

H. Ayuntamiento Constitucional de Santa Lucía del Valle. Instituto Municipal de Planeación (IMPLAN). Secretaría de Desarrollo Agrario, Territorial y Urbano.

## 1. Proceso de formulación y visión

El Programa se formuló mediante un proceso participativo de once meses que incluyó 28 foros vecinales, consultas a los pueblos originarios y una encuesta con 5 600 respuestas. Su visión, «Una ciudad cercana, verde y segura», es vinculante para los programas parciales y sectoriales, que deberán ajustarse a ella en un plazo de un año.

## 2. Estrategias

Se promoverá la transparencia en la gestión urbana.

Vivienda. Se reserva el 30 % de la superficie de los polígonos de actuación para vivienda social, y el Ayuntamiento mejorará 1 200 viviendas en asentamientos irregulares con un presupuesto de 45 millones de pesos entre 2024 y 2027.

Se reconoce la diversidad cultural de los barrios originarios del municipio.

Impulsar el crecimiento económico incluyente de la ciudad.

El Programa no aborda la relación funcional con los demás municipios de la zona metropolitana.

Suelo de conservación. Se prohíbe todo cambio de uso del suelo en las 3 400 hectáreas de suelo de conservación delimitadas en el plano E-3; las barrancas y los cauces se declaran zonas de protección ecológica.

La ciudad es vulnerable a inundaciones en temporada de lluvias.

Podrían elaborarse escenarios de crecimiento urbano en futuras actualizaciones del Programa.

## 3. Instrumentación y seguimiento

El IMPLAN es responsable de la ejecución del Programa y preside la Comisión Municipal de Desarrollo Urbano, en la que se coordinan las dependencias municipales, estatales y federales que invierten en el territorio.

El IMPLAN evaluará el Programa con los 18 indicadores del anexo estadístico y presentará un informe bianual al Cabildo; el Programa se revisará cada seis años.

## 4. Matriz de corresponsabilidad

| Tema | Instrumento | Responsable |
| Densificación y ciudad compacta | No aplica | — |
| Gestión de riesgos | No aplica | — |
""",
    expected=dict(
        a1_shared_vision="present", a2_governance="partial", b1_social_inclusion="present",
        b1_culture_diversity="partial", b2_inclusive_growth="partial",
        b2_balanced_development="absent", b3_environment="present", b3_resilience="partial",
        c1_multi_dimension="absent", c2_spatial_scenarios="absent", d1_implementation="present",
        d2_monitoring="present",
    ),
    decoys=["negation", "hypothetical", "template_rows", "ministry_names", "title_block"],
    decoy_quotes=[
        "El Programa no aborda la relación funcional con los demás municipios de la zona metropolitana.",
        "Podrían elaborarse escenarios de crecimiento urbano en futuras actualizaciones del Programa.",
        "| Densificación y ciudad compacta | No aplica | — |",
        "| Gestión de riesgos | No aplica | — |",
    ],
    notes="b3_resilience partial: a diagnosis of flood vulnerability without a measure.",
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="igutp_zh_guotu_guihua", rubric="igutp", language="zh", formats=["pdf"],
    text="""
# 清河市国土空间总体规划（2021—2035年）

清河市人民政府 清河市自然资源和规划局 二〇二三年六月

## 第一章 规划总则

第1条 规划编制过程中开展了三轮公众意见征询，共收集意见建议4200余条。规划确定"山水清河、宜居之城"的发展愿景，各类专项规划和详细规划必须符合本规划。

第2条 规划实施情况每年向市人民代表大会常务委员会报告，并向社会公开。

## 第二章 空间格局

第5条 划定生态保护红线1250平方公里，红线内禁止开发性、生产性建设活动。

第6条 城镇开发边界面积严格控制在620平方公里以内，人均城镇建设用地不超过100平方米，新增建设用地优先安排在轨道交通站点周边。

第7条 构建"一主两副多节点"的城镇体系，到2035年实现城乡基本公共服务均等化，两个副中心各布局一所三级医院和一所高等院校。

第8条 促进经济高质量发展。

## 第三章 民生与文化

第10条 到2035年，社区15分钟生活圈覆盖率达到100%，新增保障性住房10万套。

第11条 划定历史文化保护线，严禁在历史文化街区内大拆大建，保护少数民族传统村落的格局和风貌。

第12条 本规划不涉及防灾减灾专项内容。

第13条 可考虑在下一轮规划中开展多情景模拟。

## 第四章 规划实施

第15条 加强规划实施的组织领导。

第16条 建立"一年一体检、五年一评估"的规划实施监测评估预警机制，体检评估报告报市人民政府审定后向社会公布。

## 参考文献

- 联合国人居署. 城市与区域规划国际准则. 2015.
- 自然资源部. 市级国土空间总体规划编制指南（试行）. 2020.
""",
    expected=dict(
        a1_shared_vision="present", a2_governance="present", b1_social_inclusion="present",
        b1_culture_diversity="present", b2_inclusive_growth="partial",
        b2_balanced_development="present", b3_environment="present", b3_resilience="absent",
        c1_multi_dimension="present", c2_spatial_scenarios="absent", d1_implementation="partial",
        d2_monitoring="present",
    ),
    decoys=["negation", "hypothetical", "bibliography", "ministry_names", "title_block"],
    decoy_quotes=[
        "本规划不涉及防灾减灾专项内容。",
        "可考虑在下一轮规划中开展多情景模拟。",
        "联合国人居署. 城市与区域规划国际准则. 2015.",
        "自然资源部. 市级国土空间总体规划编制指南（试行）. 2020.",
    ],
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="ndc_ar_musahama", rubric="ndc_urban", language="ar", formats=["docx"],
    text="""
# المساهمة المحددة وطنياً — التحديث الثاني 2023

اللجنة الوطنية لتغير المناخ — وزارة الطاقة والبنية التحتية.

## أولاً: المخاطر المناخية في المدن

ارتفع متوسط درجات الحرارة في المدن الساحلية بمقدار 1.8 درجة مئوية منذ عام 1980، وتضرر 12000 مسكن في الأحياء المنخفضة من مدينة النخيل بسبب سيول عام 2018.

## ثانياً: التخفيف

رفع حصة الطاقة المتجددة إلى 50% من مزيج توليد الكهرباء الوطني بحلول عام 2030.

تشغيل شبكة مترو بطول 65 كم وثلاثة خطوط حافلات سريعة في مدينة النخيل بحلول عام 2028.

## ثالثاً: التكيف

إنشاء 40 كم من قنوات تصريف مياه الأمطار في مدينة النخيل، وزراعة مليون شجرة في شوارع المدن لخفض درجات الحرارة.

إعادة استخدام 90% من مياه الصرف الصحي المعالجة في المدن لري المساحات الخضراء بحلول عام 2030.

تطوير 15 حياً عشوائياً في مدينة النخيل بحلول عام 2030 وتزويدها بشبكات الصرف الصحي ومياه الشرب.

يمكن دمج اعتبارات تغير المناخ في المخططات الهيكلية للمدن مستقبلاً.

لا تتناول هذه الوثيقة البعد الجندري في المدن.

## رابعاً: الحوكمة والتمويل

تعد كل أمانة منطقة خطة عمل مناخية محلية خلال سنتين من تاريخ هذه الوثيقة، وترفعها إلى اللجنة الوطنية لتغير المناخ للاعتماد.

تسعى الدولة إلى تعبئة التمويل اللازم للمشاريع الحضرية.

## الجهات المشاركة في الإعداد

- المركز الوطني لإدارة النفايات
- وزارة الشؤون البلدية والقروية والإسكان
- الهيئة العامة للنقل
""",
    expected=dict(
        urban_mitigation="present", urban_mitigation_challenges="absent", urban_adaptation="present",
        urban_adaptation_challenges="present", urban_hazards="present", urban_finance="partial",
        urban_gender="absent", multilevel_governance="present", housing_informal="present",
        urban_planning="absent", sector_energy="partial", sector_transport="present",
        sector_waste="absent", sector_infrastructure="present", sector_water="present",
    ),
    decoys=["negation", "hypothetical", "consultation_list", "ministry_names", "title_block"],
    decoy_quotes=[
        "يمكن دمج اعتبارات تغير المناخ في المخططات الهيكلية للمدن مستقبلاً.",
        "لا تتناول هذه الوثيقة البعد الجندري في المدن.",
        "المركز الوطني لإدارة النفايات",
        "وزارة الشؤون البلدية والقروية والإسكان",
    ],
    notes="sector_energy partial: national renewables target without an urban reference.",
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="ndc_en_update_summary", rubric="ndc_urban", language="en", formats=["txt"],
    text="""
# Second Nationally Determined Contribution of the People's Republic of Rivermouth — Summary for Policymakers

Ministry of Environment, Forest and Climate Change. Department of Environment.

## 1. Climate risks

Rivermouth faces cyclones, tidal surges and riverine floods. Waterlogging in the capital, Kanchanpur, affects about 3 million people every monsoon, and one in four urban residents lives in a slum or informal settlement.

## 2. Mitigation

Cities will play a key role in achieving the mitigation target.

The country will install 4,100 MW of renewable generation capacity by 2030.

Waste-to-energy plants with a combined capacity of 100 MW will be built in the city corporations of Kanchanpur, Port Sabir and Dinajgarh by 2029.

An electric bus programme for Kanchanpur was assessed but not included in this NDC.

## 3. Adaptation

The Coastal Towns Resilience Project (USD 400 million, of which USD 300 million from the Green Climate Fund and the Asian Development Bank) will build cyclone shelters, elevated roads and storm-water drains in 20 coastal municipalities by 2030.

The needs of slum dwellers will be considered.

Municipal Climate Committees in each of the 20 municipalities will prepare local adaptation plans and report annually to the Department of Environment; at least 40% of the members of each Committee shall be women.

This NDC does not include land-use planning measures.

## Annex — Institutions consulted

Local Government Engineering Department; Urban Development Directorate; Water Supply and Sewerage Authority of Kanchanpur; Women and Children Affairs Ministry.
""",
    expected=dict(
        urban_mitigation="present", urban_mitigation_challenges="absent", urban_adaptation="present",
        urban_adaptation_challenges="present", urban_hazards="present", urban_finance="present",
        urban_gender="present", multilevel_governance="present", housing_informal="partial",
        urban_planning="absent", sector_energy="partial", sector_transport="absent",
        sector_waste="present", sector_infrastructure="present", sector_water="absent",
    ),
    decoys=["negation", "not_adopted", "consultation_list", "ministry_names", "title_block"],
    decoy_quotes=[
        "An electric bus programme for Kanchanpur was assessed but not included in this NDC.",
        "This NDC does not include land-use planning measures.",
        "Local Government Engineering Department; Urban Development Directorate; Water Supply and Sewerage Authority of Kanchanpur; Women and Children Affairs Ministry.",
    ],
    notes="urban_mitigation present through the waste-to-energy plants in three cities (the 'key role' sentence alone would be partial). sector_energy partial: national capacity target.",
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="ndc_es_contribucion", rubric="ndc_urban", language="es", formats=["pdf", "html"],
    text="""
# Actualización de la Contribución Determinada a Nivel Nacional de la República de Nueva Granada 2020

Ministerio de Ambiente y Desarrollo Sostenible. Departamento Nacional de Planeación.

## 1. Circunstancias nacionales

Las ciudades generan el 35 % de las emisiones nacionales de gases de efecto invernadero, y el transporte urbano por sí solo representa el 12 %. Las ciudades son vulnerables al cambio climático.

## 2. Medidas de mitigación

Implementar sistemas de transporte masivo eléctrico en las 8 ciudades de más de 600 000 habitantes y construir 1 000 km de ciclorrutas urbanas a 2030.

Sustituir 1,2 millones de luminarias del alumbrado público municipal por tecnología LED a 2027.

Cerrar los 40 botaderos a cielo abierto municipales y capturar el metano de los rellenos sanitarios de las ciudades capitales.

## 3. Adaptación

Se fortalecerá la adaptación en las ciudades.

Se promoverá la equidad de género en la acción climática urbana.

La presente NDC no incluye metas de vivienda ni de asentamientos informales.

## 4. Implementación

Los planes integrales de gestión del cambio climático territoriales de los 32 departamentos y de las ciudades capitales se articularán con esta NDC y reportarán sus avances cada dos años al Sistema Nacional de Cambio Climático.

Los planes de ordenamiento territorial municipales incorporarán la gestión del cambio climático, conforme a la Ley 1931 de 2018.

Se creará una línea de crédito de FINDETER de 500 millones de dólares para proyectos climáticos de los municipios.

| Componente | Meta | Observación |
| Agua urbana | No aplica | — |
| Infraestructura resiliente | No aplica | — |

## Bibliografía

- IDEAM (2017). Tercera Comunicación Nacional de Cambio Climático: inundaciones urbanas y olas de calor en las ciudades.
""",
    expected=dict(
        urban_mitigation="present", urban_mitigation_challenges="present", urban_adaptation="partial",
        urban_adaptation_challenges="partial", urban_hazards="absent", urban_finance="present",
        urban_gender="partial", multilevel_governance="present", housing_informal="absent",
        urban_planning="present", sector_energy="present", sector_transport="present",
        sector_waste="present", sector_infrastructure="absent", sector_water="absent",
    ),
    decoys=["negation", "template_rows", "bibliography", "ministry_names", "title_block"],
    decoy_quotes=[
        "La presente NDC no incluye metas de vivienda ni de asentamientos informales.",
        "| Agua urbana | No aplica | — |",
        "| Infraestructura resiliente | No aplica | — |",
        "IDEAM (2017). Tercera Comunicación Nacional de Cambio Climático: inundaciones urbanas y olas de calor en las ciudades.",
    ],
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="ndc_fr_mojibake", rubric="ndc_urban", language="fr", formats=["txt"],
    damage="mojibake",
    notes="The whole file is UTF-8 text decoded as Windows-1252 (mojibake); every criterion is not_determinable.",
    text="""
@damage mojibake
# Contribution déterminée au niveau national actualisée — République de Sarané

## Atténuation en milieu urbain

Généralisation de l'éclairage public à LED dans les 14 communes urbaines d'ici à 2027 et création de deux lignes de bus électriques à haut niveau de service à Bénédou.

## Adaptation des villes

Les inondations de 2019 ont touché 42 000 habitants des quartiers précaires de Bénédou. Le gouvernement réalisera 60 km de caniveaux de drainage et relogera 2 500 ménages des zones inondables d'ici à 2028, pour un coût de 180 millions d'euros à mobiliser auprès du Fonds vert pour le climat.

Les communes élaboreront des plans climat communaux, et les femmes représenteront au moins 30 % des comités de quartier chargés de leur suivi.
@end
""",
    default="not_determinable",
    expected={},
    decoys=["damaged_text"],
    decoy_quotes=[],
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="ndc_ru_ondv", rubric="ndc_urban", language="ru", formats=["html"],
    text="""
# Обновлённый определяемый на национальном уровне вклад Республики Алатау

Министерство экологии и природных ресурсов. Министерство энергетики. Министерство индустрии и инфраструктурного развития.

## 1. Национальные обстоятельства

На города приходится 70 % потребления тепловой энергии в стране; износ тепловых сетей в крупных городах достигает 65 %, а потери тепла при передаче составляют 20 %.

## 2. Меры по смягчению

Модернизация систем централизованного теплоснабжения в 12 городах с сокращением потерь тепла до 10 % к 2030 году.

Доведение доли электромобилей до 10 % национального автопарка к 2030 году.

Настоящий вклад не охватывает сектор отходов.

## 3. Реализация

Местные исполнительные органы (акиматы) городов разрабатывают и утверждают местные планы действий по снижению выбросов и ежегодно отчитываются о их выполнении перед Министерством экологии.

Будут учитываться потребности жилищного сектора в городах.

Интеграция климатических требований в генеральные планы городов может быть рассмотрена в будущем.
""",
    expected=dict(
        urban_mitigation="present", urban_mitigation_challenges="present", urban_adaptation="absent",
        urban_adaptation_challenges="absent", urban_hazards="absent", urban_finance="absent",
        urban_gender="absent", multilevel_governance="present", housing_informal="partial",
        urban_planning="absent", sector_energy="present", sector_transport="partial",
        sector_waste="absent", sector_infrastructure="absent", sector_water="absent",
    ),
    decoys=["negation", "hypothetical", "ministry_names", "title_block"],
    decoy_quotes=[
        "Настоящий вклад не охватывает сектор отходов.",
        "Интеграция климатических требований в генеральные планы городов может быть рассмотрена в будущем.",
    ],
    notes="Russian: no engine rules yet (issue 15 item 4 adds them); labelled from content. sector_transport partial: national EV share.",
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="sdg_ar_qanun_aradi", rubric="sdg5a2", language="ar", formats=["pdf", "txt"],
    text="""
# قانون الملكية العقارية والأراضي الزراعية رقم (13) لسنة 2019

وزارة الزراعة — دائرة الأراضي والمساحة.

المادة (2): لا يعترف هذا القانون بأي حيازة عرفية أو عشائرية للأراضي، وتعد جميع الأراضي غير المسجلة من أملاك الدولة.

المادة (18): لا يجوز للزوج بيع المسكن العائلي المسجل باسمه إلا بعد إخطار الزوجة خطياً قبل ثلاثين يوماً من إتمام البيع.

المادة (24): تنتقل الأراضي المملوكة بالإرث إلى الورثة وفق أحكام الشريعة الإسلامية، للذكر مثل حظ الأنثيين.

المادة (31): يخصص صندوق الإقراض الزراعي سنوياً ما لا يقل عن 20% من قروضه للنساء لشراء الأراضي الزراعية واستصلاحها، بفائدة لا تتجاوز 2%.

المادة (40): يشكل مجلس إدارة هيئة الأراضي من سبعة أعضاء يعينهم مجلس الوزراء، ويستحسن أن يكون بينهم تمثيل للمرأة.

جدول النماذج:

| النموذج | الغرض | ملاحظات |
| نموذج 5 | تسجيل مشترك باسم الزوجين | لا ينطبق |
""",
    expected=dict(
        proxy_a_joint_registration="absent", proxy_b_spousal_consent="partial",
        proxy_c_inheritance="absent", proxy_d_financial_resources="present",
        proxy_e_customary="not_applicable", proxy_f_quotas="partial",
    ),
    decoys=["opposite_provision", "template_rows", "ministry_names", "title_block"],
    decoy_quotes=[
        "| نموذج 5 | تسجيل مشترك باسم الزوجين | لا ينطبق |",
        "للذكر مثل حظ الأنثيين.",
    ],
    notes="proxy_b partial: notification of the wife, not consent. proxy_c absent: unequal shares. proxy_e not_applicable: the law does not recognise customary tenure. proxy_f partial: women's representation only 'desirable'.",
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="sdg_en_succession_html", rubric="sdg5a2", language="en", formats=["html"],
    text="""
# THE SUCCESSION AND MATRIMONIAL PROPERTY (AMENDMENT) ACT, 2021

An Act to amend the law of succession and of matrimonial property. Ministry of Justice and Constitutional Affairs; Law Reform Commission.

1. Short title. This Act may be cited as the Succession and Matrimonial Property (Amendment) Act, 2021.

4. Equal shares. Section 27 of the principal Act is replaced by the following: "27. The sons and daughters of an intestate, and the surviving spouse whether widow or widower, shall inherit land and other property in equal shares."

6. Customary land. Where land is held under customary law, a widow shall have the right to remain on and to use the matrimonial land for the rest of her life, but that right does not confer ownership.

8. Registration. Nothing in this Act requires the registration of matrimonial property in the joint names of the spouses.

9. Parliament may in future establish a fund to support women's acquisition of land.

## Schedule — Consequential amendments

| Enactment | Amendment | Remarks |
| Land Tribunals Act (composition of tribunals) | Not applicable | — |
| Registered Land Act, section 93 (spousal consent) | Not applicable | — |

## References

- Married Women's Property Act 1882.
- FAO (2018). Realizing women's rights to land in the law: a guide for reporting on SDG indicator 5.a.2.
""",
    expected=dict(
        proxy_a_joint_registration="absent", proxy_b_spousal_consent="absent",
        proxy_c_inheritance="present", proxy_d_financial_resources="absent",
        proxy_e_customary="partial", proxy_f_quotas="absent",
    ),
    decoys=["negation", "hypothetical", "template_rows", "bibliography", "ministry_names", "title_block"],
    decoy_quotes=[
        "Nothing in this Act requires the registration of matrimonial property in the joint names of the spouses.",
        "Parliament may in future establish a fund to support women's acquisition of land.",
        "| Land Tribunals Act (composition of tribunals) | Not applicable | — |",
        "| Registered Land Act, section 93 (spousal consent) | Not applicable | — |",
        "FAO (2018). Realizing women's rights to land in the law: a guide for reporting on SDG indicator 5.a.2.",
    ],
    notes="proxy_e partial: customary land recognised; widows protected only with a life use right, not ownership.",
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="sdg_fr_code_foncier", rubric="sdg5a2", language="fr", formats=["docx"],
    text="""
# Loi n° 034-2022 portant régime foncier rural

Assemblée nationale. Ministère de l'Agriculture, des Ressources animales et halieutiques. Agence nationale des terres rurales.

## Titre I : Dispositions générales

Article 3. Le présent code ne s'applique pas au domaine public maritime.

Article 5. Les droits fonciers coutumiers sont reconnus et peuvent être constatés par une attestation de possession foncière rurale.

Article 6. Les règles et pratiques coutumières qui privent les femmes de l'accès à la terre, de son usage ou de sa transmission sont sans effet.

## Titre II : Droits des époux et succession

Article 12. L'État encourage l'établissement des titres fonciers au nom des deux époux.

Article 21. L'aliénation, la mise en gage ou la location de la terre servant au logement de la famille requiert le consentement des deux époux, à peine de nullité.

Article 30. Les femmes et les hommes ont des droits égaux en matière de succession foncière.

## Titre III : Financement et institutions

Article 44. Le Fonds national de sécurisation foncière consacre au moins 30 % de ses ressources annuelles à la délivrance d'attestations de possession foncière aux femmes.

Article 50. Les commissions foncières villageoises comprennent au moins un tiers de femmes.

## Bibliographie

- Convention sur l'élimination de toutes les formes de discrimination à l'égard des femmes (1979), article 16.
""",
    expected=dict(
        proxy_a_joint_registration="partial", proxy_b_spousal_consent="present",
        proxy_c_inheritance="present", proxy_d_financial_resources="present",
        proxy_e_customary="present", proxy_f_quotas="present",
    ),
    decoys=["scope_exclusion", "bibliography", "ministry_names", "title_block"],
    decoy_quotes=[
        "Convention sur l'élimination de toutes les formes de discrimination à l'égard des femmes (1979), article 16.",
    ],
    notes="proxy_a partial: joint titling encouraged without an economic incentive.",
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="sdg_zh_tudi_fa", rubric="sdg5a2", language="zh", formats=["html"],
    text="""
# 农村土地承包和继承若干规定（节选）

全国人民代表大会常务委员会 农业农村部 自然资源部

第三条 本规定不适用于国有农场的土地。

第十二条 土地承包经营权证和不动产登记簿应当将具有土地承包经营权的全部家庭成员列入，夫妻双方的姓名均应当记载。

第十九条 妇女与男子享有平等的继承权。妇女依法继承的土地承包经营权和其他土地权益受法律保护，任何组织和个人不得剥夺、侵害。

第二十五条 农村土地承包仲裁委员会中妇女委员应当占适当比例。

## 参考文献

- 联合国粮农组织. 在法律中实现妇女土地权利：可持续发展目标指标5.a.2报告指南. 2018.
""",
    expected=dict(
        proxy_a_joint_registration="present", proxy_b_spousal_consent="absent",
        proxy_c_inheritance="present", proxy_d_financial_resources="absent",
        proxy_e_customary="not_applicable", proxy_f_quotas="partial",
    ),
    decoys=["scope_exclusion", "bibliography", "ministry_names", "title_block"],
    decoy_quotes=[
        "联合国粮农组织. 在法律中实现妇女土地权利：可持续发展目标指标5.a.2报告指南. 2018.",
    ],
    notes="proxy_e not_applicable: the text does not recognise customary tenure. proxy_f partial: an 'appropriate proportion' of women, no number.",
))

# ---------------------------------------------------------------------------------------------
# Added after the draw (make_gold.SUPPLEMENT): a Portuguese text for the test half.
DOCS.append(dict(
    id="dec_pt_autarquias", rubric="decentralization_basic_services", language="pt", formats=["pdf"],
    text="""
# Lei n.º 73/2021 — Regime jurídico das autarquias locais

Assembleia Nacional. Ministério da Coesão Territorial. Associação Nacional de Municípios.

## Índice

- Capítulo I — Princípios gerais ........ 1
- Capítulo IV — Concessões e parcerias com o setor privado ........ 17

## Capítulo I — Princípios gerais

Artigo 2.º As autarquias locais são pessoas coletivas territoriais dotadas de órgãos representativos próprios e gozam de autonomia administrativa, financeira e patrimonial, nos termos da Constituição.

Artigo 3.º A descentralização administrativa obedece ao princípio da subsidiariedade.

Artigo 5.º A assembleia municipal e a câmara municipal são eleitas por sufrágio universal, direto e secreto dos cidadãos recenseados no município. Cada município aprova anualmente um orçamento participativo, com um montante não inferior a 1 % da despesa de investimento, decidido por votação dos munícipes.

## Capítulo II — Finanças locais

Artigo 18.º O Fundo de Equilíbrio Financeiro corresponde a 19,5 % da média aritmética simples da receita dos impostos sobre o rendimento e do imposto sobre o valor acrescentado, e é distribuído entre os municípios segundo critérios de população, área e equidade.

## Capítulo III — Serviços básicos

Artigo 25.º Os municípios asseguram, até 2030, o abastecimento público de água a 95 % da população residente e a recolha de resíduos urbanos em todas as freguesias.

Artigo 26.º A presente lei não estabelece tarifários sociais para os serviços municipais.

Artigo 27.º Poderá vir a ser regulada, por diploma próprio, a concessão de serviços municipais a entidades privadas.
""",
    expected=dict(
        dec_local_democracy="present", dec_subsidiarity="partial", dec_legal_autonomy="present",
        dec_financial_resources="present", abs_universal_access="present",
        abs_affordability="absent", abs_partnerships="absent",
    ),
    decoys=["table_of_contents", "negation", "hypothetical", "council_names", "ministry_names", "title_block"],
    decoy_quotes=[
        "A presente lei não estabelece tarifários sociais para os serviços municipais.",
        "Poderá vir a ser regulada, por diploma próprio, a concessão de serviços municipais a entidades privadas.",
    ],
))
