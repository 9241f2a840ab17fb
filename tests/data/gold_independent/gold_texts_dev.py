"""Source texts and labels of the DEV half of the independent gold set (see make_gold.py).

Each entry: id, rubric, language, formats, text (mini mark-up), expected (criteria not listed
take ``default``, normally ``absent``), decoys (kinds of traps present), decoy_quotes (exact
substrings of the text that must never be cited as support), and for who_aqg the edition and
the adopted standards. Written by the goldset helper; labels follow LEVELS.md.
"""

DOCS: list[dict] = []

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="igutp_fr_schema", rubric="igutp", language="fr", formats=["pdf", "docx"],
    text="""
# Schéma de cohérence territoriale de l'agglomération de Valmont — Document d'orientation et d'objectifs

Approuvé par délibération du conseil communautaire n° 2023-118 du 14 décembre 2023. Syndicat mixte du SCoT de Valmont, Direction de l'aménagement et de la transition écologique.

## Sommaire

- 1. Une vision partagée du territoire à l'horizon 2040 ........ 2
- 2. Orientations d'aménagement ........ 2
- 3. Résilience et adaptation au changement climatique ........ 3
- 4. Mise en œuvre, suivi et évaluation ........ 4

## 1. Une vision partagée du territoire à l'horizon 2040

Le projet d'aménagement stratégique est issu de dix-huit mois de concertation : 42 ateliers publics tenus dans les 27 communes, un panel de 60 habitants tirés au sort et une plateforme numérique qui a recueilli 3 100 contributions. La vision « Valmont 2040, un territoire des proximités » qui en résulte est commune au présent schéma, au plan climat-air-énergie territorial et au programme local de l'habitat, lesquels devront lui être compatibles.

## 2. Orientations d'aménagement

Armature territoriale. Le DOO fixe une armature à trois niveaux : cœur d'agglomération, pôles d'équilibre et bourgs ruraux. Au moins 60 % des logements neufs seront implantés dans le cœur d'agglomération et les six pôles d'équilibre desservis par le réseau express ; chaque bourg rural dispose d'une enveloppe de 8 % de la production afin de maintenir commerces et services de proximité.

Sobriété foncière. La consommation d'espaces naturels, agricoles et forestiers est réduite de moitié sur la période 2021-2031 par rapport à la décennie précédente. Les opérations d'aménagement respectent une densité minimale de 35 logements à l'hectare dans le cœur d'agglomération et de 20 logements à l'hectare dans les pôles d'équilibre, phasées en deux tranches décennales.

Trame verte et bleue. Les réservoirs de biodiversité et les corridors écologiques délimités sur la carte n° 4 sont inconstructibles, à l'exception des équipements nécessaires à l'exploitation agricole ou forestière.

Habitat. Chaque commune de plus de 3 500 habitants consacre au moins 25 % de sa production de logements au logement locatif social. Le programme local de l'habitat prévoit la création de 150 places d'hébergement d'urgence d'ici 2028.

Patrimoine. Le SCoT reconnaît la valeur du patrimoine bâti des centres anciens et des villages de la vallée.

Économie. Le territoire entend conforter son attractivité économique et le dynamisme de ses zones d'activités.

## 3. Résilience et adaptation au changement climatique

Le présent schéma n'aborde pas l'adaptation au changement climatique ni la gestion des risques naturels, qui relèvent du plan climat-air-énergie territorial et des plans de prévention des risques approuvés par l'État.

Des scénarios alternatifs de croissance démographique auraient pu être modélisés ; cette démarche n'a pas été retenue faute de données communales fiables.

## 4. Mise en œuvre, suivi et évaluation

La mise en œuvre du schéma est confiée au syndicat mixte, qui rend un avis conforme sur les plans locaux d'urbanisme et sur tout projet commercial de plus de 5 000 m² de surface de plancher.

Conformément au code de l'urbanisme, le schéma fait l'objet d'une analyse des résultats de son application au plus tard six ans après son approbation. Les indicateurs de suivi sont publiés chaque année sur le site du syndicat et présentés en séance publique du conseil communautaire.

Un observatoire intercommunal du foncier pourrait être envisagé lors d'une prochaine révision.

## Personnes publiques associées consultées

- Préfecture de département
- Conseil régional
- Chambre d'agriculture
- Conseil de développement de l'agglomération
- Commission départementale de préservation des espaces naturels, agricoles et forestiers

## Bibliographie

- ONU-Habitat (2015). Lignes directrices internationales sur la planification urbaine et territoriale. Nairobi.
- ADEME (2019). Adaptation au changement climatique et résilience des territoires. Angers.
""",
    expected=dict(
        a1_shared_vision="present", a2_governance="present", b1_social_inclusion="present",
        b1_culture_diversity="partial", b2_inclusive_growth="partial",
        b2_balanced_development="present", b3_environment="present", b3_resilience="absent",
        c1_multi_dimension="present", c2_spatial_scenarios="absent", d1_implementation="present",
        d2_monitoring="present",
    ),
    decoys=["table_of_contents", "negation", "hypothetical", "consultation_list", "bibliography", "title_block"],
    decoy_quotes=[
        "3. Résilience et adaptation au changement climatique ........ 3",
        "Le présent schéma n'aborde pas l'adaptation au changement climatique ni la gestion des risques naturels",
        "Des scénarios alternatifs de croissance démographique auraient pu être modélisés ; cette démarche n'a pas été retenue faute de données communales fiables.",
        "Un observatoire intercommunal du foncier pourrait être envisagé lors d'une prochaine révision.",
        "ADEME (2019). Adaptation au changement climatique et résilience des territoires. Angers.",
        "ONU-Habitat (2015). Lignes directrices internationales sur la planification urbaine et territoriale. Nairobi.",
        "Conseil de développement de l'agglomération",
    ],
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="igutp_en_damaged_plan", rubric="igutp", language="en", formats=["pdf"],
    damage="letterspace",
    notes="Sections 3-6 are letter-spaced in the text layer; criteria only addressed there are not_determinable.",
    text="""
# Harlow Bay Comprehensive Plan 2024-2034

Adopted by Ordinance 24-07 of the Harlow Bay City Council on 12 March 2024.

## 1. Vision and how it was prepared

The plan sets out the shared vision "A connected bay for every generation". It was prepared through a two-year public engagement process of 31 neighbourhood meetings, a youth assembly and an online survey answered by 4,200 residents, and it is binding on the capital improvement programme, the housing strategy and the mobility plan, which must be consistent with it.

## 2. Governance and openness

All land-use decisions above 20 dwellings are heard by the Planning Commission in public session; minutes, staff reports and votes are posted online within five working days, and residents may file a written objection within 30 days of any decision.

## 3. Natural resources and open space

The Shoreline Protection Overlay prohibits any new structure within 30 metres of the mean high-water line, and the 1,150 hectares of wetlands shown on Map 3 are designated permanent open space.

@damage letterspace
## 4. Housing for all

Twenty percent of the units in every development of more than ten homes shall be affordable to households earning less than 80 percent of the area median income, and the City will fund 600 supportive housing units by 2030.

## 5. Climate resilience

The City will raise the seawall along Front Street by 0.8 metres by 2028 and requires all new buildings in the 100-year floodplain to place the finished floor one metre above base flood elevation.

## 6. Implementation and monitoring

The Department of Planning shall report annually to Council on twelve plan indicators, and the plan shall be reviewed in full every five years.
@end
""",
    default="not_determinable",
    expected=dict(
        a1_shared_vision="present", a2_governance="present", b3_environment="present",
    ),
    decoys=["damaged_text", "title_block"],
    decoy_quotes=[],
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="igutp_es_pot_municipal", rubric="igutp", language="es", formats=["txt"],
    text="""
# ACUERDO MUNICIPAL No. 014 DE 2022 — Por medio del cual se adopta la revisión general del Plan de Ordenamiento Territorial del municipio de San Andrés de la Sierra

EL CONCEJO MUNICIPAL DE SAN ANDRÉS DE LA SIERRA, en uso de sus atribuciones constitucionales y legales, en especial las conferidas por la Ley 388 de 1997, y previo concepto del Ministerio de Vivienda, Ciudad y Territorio y de la Corporación Autónoma Regional,

ACUERDA:

## TÍTULO I. COMPONENTE GENERAL

Artículo 1. Adopción. Adóptase la revisión general del Plan de Ordenamiento Territorial (POT) del municipio, contenida en el presente Acuerdo, el documento técnico de soporte y la cartografía oficial (planos CG-01 a CG-18).

Artículo 2. Visión territorial. En el año 2035 San Andrés de la Sierra será un municipio ordenado en torno al agua, que protege sus páramos y sus fuentes de agua.

Artículo 3. Participación. Durante la formulación se realizaron cuarenta y dos talleres veredales y barriales; el Consejo Territorial de Planeación emitió concepto favorable. La administración rendirá cuentas anualmente sobre la ejecución del POT en audiencia pública convocada con treinta días de antelación.

Artículo 4. Estructura ecológica principal. Hacen parte de la estructura ecológica principal el páramo de La Cumbre, las rondas hídricas de 30 metros a cada lado de los cauces y los humedales delimitados en el plano CG-05. En estas áreas se prohíbe la urbanización y la expansión de la frontera agrícola.

Artículo 5. Gestión del riesgo. Las zonas de amenaza alta por movimientos en masa e inundación delimitadas en el plano CG-09 se clasifican como suelo de protección; la administración reasentará las 212 viviendas localizadas en ellas en un plazo de ocho años, con cargo al Fondo Municipal de Gestión del Riesgo.

## TÍTULO II. COMPONENTE URBANO

Artículo 6. Vivienda de interés social. En todo plan parcial de suelo de expansión se destinará como mínimo el 20 % del suelo útil a vivienda de interés prioritario.

Artículo 7. Patrimonio. El municipio valora la diversidad cultural de sus comunidades campesinas e indígenas.

Artículo 8. Crecimiento económico. El presente Acuerdo no contempla incentivos para la localización de actividades productivas ni la ampliación de la zona industrial, que serán objeto de un estudio posterior.

## TÍTULO III. PROGRAMA DE EJECUCIÓN

Artículo 9. Programa de ejecución. Los proyectos del POT se ejecutarán por la Secretaría de Planeación conforme al programa de ejecución del Anexo 3, articulado con el Plan de Desarrollo Municipal y financiado con recursos propios, plusvalía y cofinanciación departamental.

Artículo 10. Seguimiento. La Secretaría de Planeación implementará el expediente municipal con los indicadores del Anexo 4 y presentará un informe de seguimiento al Concejo al final de cada periodo constitucional de la administración.

## ANEXO 5. Matriz de articulación regional

| Componente | Instrumento | Observación |
| Conectividad con municipios vecinos | No aplica | — |
| Escenarios de crecimiento | No aplica | — |
| Sistema de ciudades | N/A | Pendiente |

Artículo 11. Vigencia. El presente Acuerdo rige a partir de su publicación y deroga el Acuerdo 021 de 2000.

PUBLÍQUESE Y CÚMPLASE. Dado en San Andrés de la Sierra a los 30 días del mes de noviembre de 2022. Presidente del Concejo Municipal. Secretaria General.
""",
    expected=dict(
        a1_shared_vision="present", a2_governance="present", b1_social_inclusion="present",
        b1_culture_diversity="partial", b2_inclusive_growth="absent",
        b2_balanced_development="absent", b3_environment="present", b3_resilience="present",
        c1_multi_dimension="absent", c2_spatial_scenarios="absent", d1_implementation="present",
        d2_monitoring="present",
    ),
    decoys=["negation", "template_rows", "ministry_names", "title_block"],
    decoy_quotes=[
        "El presente Acuerdo no contempla incentivos para la localización de actividades productivas ni la ampliación de la zona industrial, que serán objeto de un estudio posterior.",
        "| Conectividad con municipios vecinos | No aplica | — |",
        "| Escenarios de crecimiento | No aplica | — |",
        "| Sistema de ciudades | N/A | Pendiente |",
        "previo concepto del Ministerio de Vivienda, Ciudad y Territorio y de la Corporación Autónoma Regional",
    ],
    notes="a1 present: adopted vision, participatory formulation (42 workshops), articulated with the development plan (Art. 9).",
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="igutp_ar_mukhattat", rubric="igutp", language="ar", formats=["html"],
    text="""
# المخطط الاستراتيجي العام لمدينة الرصيفة 2025–2045: الملخص التنفيذي

وزارة الإدارة المحلية — أمانة مدينة الرصيفة — مديرية التخطيط الحضري. صادر بقرار مجلس التنظيم الأعلى رقم (17) لسنة 2024.

## فهرس المخطط الكامل

- الفصل الأول: الرؤية والأهداف ........ 3
- الفصل الثاني: استعمالات الأراضي ........ 11
- الفصل السادس: الرصد والمراجعة الدورية ومؤشرات الأداء ........ 64
- الفصل السابع: المشاركة المجتمعية والمساءلة ........ 71

## أولا: الرؤية

يتبنى المخطط رؤية «الرصيفة مدينة متماسكة ومنتجة» غاية عامة للتنمية العمرانية في المدينة.

## ثانيا: الإسكان والخدمات

تخصص نسبة لا تقل عن 15% من أراضي مناطق التوسع العمراني للإسكان الميسر، وتلتزم الأمانة بتوفير مدرسة أساسية ومركز صحي شامل لكل عشرة آلاف نسمة في الأحياء الجديدة.

## ثالثا: التراث العمراني

يحظر هدم المباني المدرجة في سجل التراث العمراني (الملحق 2) أو تغيير واجهاتها إلا بموافقة لجنة التراث في الأمانة.

## رابعا: الاقتصاد والتشغيل

تنشأ منطقة صناعية خفيفة بمساحة 120 هكتارا تزود بشبكات المياه والكهرباء والصرف الصحي قبل تخصيص قطعها، ويشترط على المستثمرين فيها أن تكون 70% على الأقل من العمالة من سكان المدينة.

## خامسا: البيئة والمخاطر

يسعى المخطط إلى الحفاظ على وادي الزرقاء وضفافه متنفسا طبيعيا للمدينة.

يمكن النظر مستقبلا في إعداد خريطة لمخاطر السيول والفيضانات عند تحديث المخطط.

## سادسا: النمو المتضام والسيناريوهات

قيم المخطط ثلاثة سيناريوهات للنمو السكاني والعمراني (الاتجاهي، المتضام، الممتد)، واعتمد السيناريو المتضام أساسا لخريطة استعمالات الأراضي المقترحة.

يحدد المخطط حدا للنمو العمراني لا يجوز تجاوزه حتى عام 2035، وترفع الكثافة السكانية في مركز المدينة إلى 180 شخصا في الهكتار على ثلاث مراحل خمسية.

## سابعا: التنفيذ

تتولى وحدة تنفيذ المخطط في الأمانة التنسيق بين الجهات الخدمية وإصدار رخص البناء وفق أحكامه، وتحال إليها جميع طلبات تعديل استعمالات الأراضي.

لا يتناول هذا الملخص آليات المشاركة المجتمعية في اتخاذ القرار.

| المحور | الإجراء | الجهة المسؤولة |
| الرصد والتقييم | لا ينطبق | — |
| الربط مع القرى المجاورة | لا ينطبق | — |

## الجهات التي تمت استشارتها

- وزارة المياه والري
- وزارة البيئة
- غرفة صناعة الزرقاء
- مجلس الخدمات المشتركة
""",
    expected=dict(
        a1_shared_vision="partial", a2_governance="absent", b1_social_inclusion="present",
        b1_culture_diversity="present", b2_inclusive_growth="present",
        b2_balanced_development="absent", b3_environment="partial", b3_resilience="absent",
        c1_multi_dimension="present", c2_spatial_scenarios="present", d1_implementation="present",
        d2_monitoring="absent",
    ),
    decoys=["table_of_contents", "negation", "hypothetical", "template_rows", "consultation_list", "ministry_names", "title_block"],
    decoy_quotes=[
        "الفصل السادس: الرصد والمراجعة الدورية ومؤشرات الأداء ........ 64",
        "الفصل السابع: المشاركة المجتمعية والمساءلة ........ 71",
        "يمكن النظر مستقبلا في إعداد خريطة لمخاطر السيول والفيضانات عند تحديث المخطط.",
        "لا يتناول هذا الملخص آليات المشاركة المجتمعية في اتخاذ القرار.",
        "| الرصد والتقييم | لا ينطبق | — |",
        "| الربط مع القرى المجاورة | لا ينطبق | — |",
        "وزارة الإدارة المحلية — أمانة مدينة الرصيفة — مديرية التخطيط الحضري.",
    ],
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="dec_es_ley_municipal", rubric="decentralization_basic_services", language="es", formats=["pdf"],
    text="""
# LEY ORGÁNICA DE MUNICIPALIDADES — Texto único ordenado

Congreso de la República. Ministerio de Economía y Finanzas. Secretaría de Descentralización de la Presidencia del Consejo de Ministros.

## TÍTULO PRELIMINAR

Artículo II. Autonomía. Las municipalidades son órganos de gobierno local con personería jurídica de derecho público. Gozan de autonomía política, económica y administrativa en los asuntos de su competencia, conforme a la Constitución.

Artículo IV. Finalidad. Los gobiernos locales promueven el acceso de toda la población a los servicios públicos locales y el desarrollo integral de su circunscripción.

## TÍTULO I. ORGANIZACIÓN

Artículo 4. Elección. El alcalde y los regidores del concejo municipal son elegidos por sufragio directo, universal y secreto por un periodo de cuatro años. Los vecinos participan en la formulación del presupuesto participativo anual y pueden ejercer los derechos de revocatoria y de rendición de cuentas conforme a ley.

Artículo 6. Asignación de competencias. Las competencias y funciones específicas se asignan al nivel de gobierno más cercano a la población que esté en capacidad de ejercerlas. La transferencia de nuevas funciones a cada municipalidad está sujeta a la acreditación previa de su capacidad de gestión ante la Secretaría de Descentralización.

## TÍTULO II. RENTAS MUNICIPALES

Artículo 8. Son rentas municipales los tributos creados por ley a su favor, las tasas por servicios y el Fondo de Compensación Municipal, constituido por el rendimiento del impuesto de promoción municipal equivalente al 2 % de las operaciones gravadas con el impuesto general a las ventas, que se distribuye mensualmente entre todas las municipalidades según criterios de población, pobreza y ruralidad.

## TÍTULO III. SERVICIOS PÚBLICOS

Artículo 12. La presente ley no establece tarifas sociales ni subsidios para los servicios de agua potable y saneamiento, que se rigen por su normativa sectorial.

Artículo 13. Se evaluará en el futuro la posibilidad de concesionar el servicio de limpieza pública a empresas privadas.

## DISPOSICIÓN DEROGATORIA

Única. Deróguese la Ley N.° 23853, cuyo artículo 68 establecía la tarifa social de agua para familias de bajos ingresos.
""",
    expected=dict(
        dec_local_democracy="present", dec_subsidiarity="present", dec_legal_autonomy="present",
        dec_financial_resources="present", abs_universal_access="partial",
        abs_affordability="absent", abs_partnerships="absent",
    ),
    decoys=["negation", "hypothetical", "repealed_provision", "ministry_names", "title_block"],
    decoy_quotes=[
        "La presente ley no establece tarifas sociales ni subsidios para los servicios de agua potable y saneamiento, que se rigen por su normativa sectorial.",
        "Se evaluará en el futuro la posibilidad de concesionar el servicio de limpieza pública a empresas privadas.",
        "Deróguese la Ley N.° 23853, cuyo artículo 68 establecía la tarifa social de agua para familias de bajos ingresos.",
        "Congreso de la República. Ministerio de Economía y Finanzas. Secretaría de Descentralización de la Presidencia del Consejo de Ministros.",
    ],
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="dec_pt_servicos_basicos", rubric="decentralization_basic_services", language="pt", formats=["txt"],
    text="""
# PREFEITURA MUNICIPAL DE SÃO JOÃO DO ARAGUAIA — CÂMARA MUNICIPAL — LEI Nº 1.482, DE 18 DE AGOSTO DE 2023

Institui a Política Municipal de Saneamento Básico e dá outras providências.

O PREFEITO MUNICIPAL faz saber que a Câmara Municipal aprovou e ele sanciona a seguinte Lei:

## CAPÍTULO I — DISPOSIÇÕES GERAIS

Art. 1º Esta Lei institui a Política Municipal de Saneamento Básico, abrangendo abastecimento de água, esgotamento sanitário, limpeza urbana, manejo de resíduos sólidos e drenagem de águas pluviais.

Parágrafo único. Esta Lei não se aplica às soluções individuais de esgotamento em imóveis rurais isolados.

Art. 2º São metas da Política Municipal, até 31 de dezembro de 2033, o atendimento de 99% da população com água potável e de 90% da população com coleta e tratamento de esgotos, inclusive nos núcleos urbanos informais e nas comunidades rurais.

## CAPÍTULO II — DA TARIFA SOCIAL

Art. 5º As famílias inscritas no Cadastro Único para Programas Sociais com renda mensal per capita de até meio salário mínimo pagarão 50% (cinquenta por cento) do valor da tarifa residencial nos primeiros 10 m³ de consumo mensal.

## CAPÍTULO III — DA PRESTAÇÃO E DA REGULAÇÃO

Art. 7º A prestação dos serviços poderá ser delegada mediante contrato de concessão, precedido de licitação. A Agência Reguladora Intermunicipal de Saneamento fiscalizará o cumprimento das metas contratuais, publicará relatório anual de desempenho e aplicará as penalidades previstas no contrato.

Art. 9º O Município buscará ampliar suas receitas próprias para fazer frente às novas responsabilidades decorrentes desta Lei.

## ANEXO — Quadro de instrumentos

| Instrumento | Situação | Observação |
| Fundo Municipal de Saneamento | Não se aplica | — |
| Conselho Municipal das Cidades | Não se aplica | — |

Art. 12. Esta Lei entra em vigor na data de sua publicação.
""",
    expected=dict(
        dec_local_democracy="absent", dec_subsidiarity="absent", dec_legal_autonomy="absent",
        dec_financial_resources="partial", abs_universal_access="present",
        abs_affordability="present", abs_partnerships="present",
    ),
    decoys=["template_rows", "scope_exclusion", "council_names", "title_block"],
    decoy_quotes=[
        "PREFEITURA MUNICIPAL DE SÃO JOÃO DO ARAGUAIA — CÂMARA MUNICIPAL — LEI Nº 1.482, DE 18 DE AGOSTO DE 2023",
        "| Fundo Municipal de Saneamento | Não se aplica | — |",
        "| Conselho Municipal das Cidades | Não se aplica | — |",
        "O PREFEITO MUNICIPAL faz saber que a Câmara Municipal aprovou e ele sanciona a seguinte Lei:",
    ],
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="dec_zh_difang_zhili", rubric="decentralization_basic_services", language="zh", formats=["docx"],
    text="""
# 江川市城乡社区治理和公共服务条例

（2023年9月27日江川市第十六届人民代表大会常务委员会第十二次会议通过）

## 第一章 总则

第一条 为了加强城乡社区治理，提高基本公共服务水平，根据有关法律、法规，结合本市实际，制定本条例。

第二条 本条例不涉及区、县人民政府的机构设置和法律地位。

## 第二章 社区自治

第五条 居民委员会主任、副主任和委员由本居住地区全体有选举权的居民直接选举产生，每届任期五年。社区公共事务实行居民议事会协商，议事结果应当在社区公告栏公开。

第六条 按照权责一致的原则，逐步理顺市、区、街道之间的事权划分。

## 第三章 经费保障

第九条 市、区财政每年按照不低于常住人口每人五十元的标准安排社区服务经费，列入区级财政预算，按季度拨付至街道。

## 第四章 基本公共服务

第十二条 到2027年，城区和建制镇公共供水普及率达到百分之百，生活垃圾分类收集覆盖全部城乡社区。

第十三条 对城乡最低生活保障家庭，每户每月免收五立方米水费；居民生活用水实行阶梯水价。

第十四条 鼓励社会资本参与市政公用设施的建设和运营。

## 附件：征求意见单位

- 市发展和改革委员会
- 市财政局
- 市住房和城乡建设局
- 市水务集团有限公司

## 参考文献

- 联合国人居署. 关于权力下放和加强地方当局的国际准则. 内罗毕, 2007.
- 联合国人居署. 关于普及基本服务的国际准则. 内罗毕, 2009.
""",
    expected=dict(
        dec_local_democracy="present", dec_subsidiarity="partial", dec_legal_autonomy="absent",
        dec_financial_resources="present", abs_universal_access="present",
        abs_affordability="present", abs_partnerships="partial",
    ),
    decoys=["negation", "consultation_list", "bibliography", "title_block"],
    decoy_quotes=[
        "本条例不涉及区、县人民政府的机构设置和法律地位。",
        "联合国人居署. 关于权力下放和加强地方当局的国际准则. 内罗毕, 2007.",
        "联合国人居署. 关于普及基本服务的国际准则. 内罗毕, 2009.",
        "市水务集团有限公司",
    ],
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="dec_ar_idara_mahalliya", rubric="decentralization_basic_services", language="ar", formats=["txt"],
    text="""
# قانون الإدارة المحلية رقم (22) لسنة 2021

وزارة الإدارة المحلية — الجريدة الرسمية، العدد 5728.

## الفصل الأول: البلديات

المادة (3): البلدية مؤسسة أهلية ذات شخصية اعتبارية تتمتع بالاستقلال المالي والإداري، ولها أن تتملك الأموال المنقولة وغير المنقولة وأن تتقاضى باسمها.

المادة (5): ينتخب رئيس المجلس البلدي وأعضاؤه انتخابا عاما مباشرا وسريا لمدة أربع سنوات، ويعقد المجلس جلسة علنية مرة في السنة على الأقل للاستماع إلى مقترحات السكان بشأن مشروع الموازنة.

المادة (7): لا يتناول هذا القانون توزيع الاختصاصات بين البلديات ومجالس المحافظات، وينظم ذلك بنظام يصدر لاحقا.

## الفصل الثاني: الموارد المالية

المادة (11): تخصص الحكومة للبلديات سنويا نسبة 8% من عائدات ضريبة المحروقات، توزع على البلديات وفق معادلة تعتمد عدد السكان والمساحة ومستوى الخدمات، وتحول إليها في بداية كل ربع سنة.

## الفصل الثالث: الخدمات

المادة (15): يجوز للمجلس البلدي أن يعهد بإدارة جمع النفايات ونقلها إلى شركة خاصة بموجب عقد لا تزيد مدته على عشر سنوات، وتخضع الشركة لرقابة المجلس وينشر تقرير أدائها السنوي.

المادة (16): اقترح خلال المناقشات إعفاء الأسر الفقيرة من رسوم جمع النفايات، إلا أن هذا المقترح لم يعتمد.

جدول الخدمات المحولة إلى البلديات:

| الخدمة | الإجراء | الجهة |
| النقل العام | لا ينطبق | — |
| مياه الشرب | لا ينطبق | — |

الجهات التي استشيرت في إعداد القانون: وزارة المياه والري، وزارة النقل، سلطة الطاقة، اتحاد البلديات.
""",
    expected=dict(
        dec_local_democracy="present", dec_subsidiarity="absent", dec_legal_autonomy="present",
        dec_financial_resources="present", abs_universal_access="absent",
        abs_affordability="absent", abs_partnerships="present",
    ),
    decoys=["negation", "not_adopted", "template_rows", "consultation_list", "ministry_names", "title_block"],
    decoy_quotes=[
        "لا يتناول هذا القانون توزيع الاختصاصات بين البلديات ومجالس المحافظات، وينظم ذلك بنظام يصدر لاحقا.",
        "اقترح خلال المناقشات إعفاء الأسر الفقيرة من رسوم جمع النفايات، إلا أن هذا المقترح لم يعتمد.",
        "| النقل العام | لا ينطبق | — |",
        "| مياه الشرب | لا ينطبق | — |",
        "الجهات التي استشيرت في إعداد القانون: وزارة المياه والري، وزارة النقل، سلطة الطاقة، اتحاد البلديات.",
    ],
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="aqg_en_2005_ordinance", rubric="who_aqg", language="en", formats=["html"], edition="2005",
    text="""
# Environmental Management (Ambient Air Quality) Regulations, 2012 — Statutory Instrument No. 41 of 2012

Made by the Minister responsible for the Environment under section 88 of the Environmental Management Act. Ministry of Environment and Natural Resources, Department of Environmental Health.

## Part I — Preliminary

1. These Regulations may be cited as the Environmental Management (Ambient Air Quality) Regulations, 2012.

2. In these Regulations, "maximum permissible level" means the concentration of a pollutant in ambient air, measured over the averaging period stated, that shall not be exceeded.

## Part II — Ambient air quality standards

3. (1) No person shall cause the concentration of a pollutant listed in the First Schedule to exceed the maximum permissible level set out against it. (2) The Agency shall publish the monitoring results for each air quality control region every quarter.

## First Schedule — Maximum permissible levels (regulation 3)

| Pollutant | Averaging period | Maximum permissible level | Unit |
| Fine particulate matter (PM2.5) | 1 year | 25 | µg/m³ |
| Fine particulate matter (PM2.5) | 24 hours | 65 | µg/m³ |
| Particulate matter (PM10) | 1 year | 50 | µg/m³ |
| Particulate matter (PM10) | 24 hours | 50 | µg/m³ |
| Nitrogen dioxide | 1 hour | 100 | ppb |
| Nitrogen dioxide | 1 year | 20 | ppb |
| Sulphur dioxide | 24 hours | 125 | µg/m³ |
| Sulphur dioxide | 10 minutes | 500 | µg/m³ |
| Ozone | 8 hours (daily maximum) | 0.08 | ppm |
| Carbon monoxide | 8 hours | 10 | mg/m³ |

## Second Schedule — Target values proposed for 2030 (for consultation; not adopted)

The following values were proposed by the Technical Committee and have not been adopted: fine particulate matter (PM2.5), annual mean, 10 µg/m³; particulate matter (PM10), 24-hour mean, 45 µg/m³; sulphur dioxide, 24-hour mean, 20 µg/m³.

## References

- World Health Organization (2006). Air quality guidelines for particulate matter, ozone, nitrogen dioxide and sulfur dioxide. Global update 2005. PM2.5 annual mean 10 µg/m³. Copenhagen.
""",
    expected=dict(
        pm25_annual="partial", pm25_24h="partial", pm10_annual="partial", pm10_24h="present",
        o3_peak_season="not_applicable", o3_8h="partial", no2_annual="present",
        no2_24h="not_applicable", no2_1h="present", so2_24h="partial", so2_10min="present",
        co_24h="not_applicable",
    ),
    standards=[
        dict(criterion="pm25_annual", value=25, unit="µg/m³"),
        dict(criterion="pm25_24h", value=65, unit="µg/m³"),
        dict(criterion="pm10_annual", value=50, unit="µg/m³"),
        dict(criterion="pm10_24h", value=50, unit="µg/m³"),
        dict(criterion="no2_1h", value=100, unit="ppb"),
        dict(criterion="no2_annual", value=20, unit="ppb"),
        dict(criterion="so2_24h", value=125, unit="µg/m³"),
        dict(criterion="so2_10min", value=500, unit="µg/m³"),
        dict(criterion="o3_8h", value=0.08, unit="ppm"),
    ],
    decoys=["not_adopted", "bibliography", "table_value_unit_separate_cells", "ppb_ppm_units", "maximum_permissible_level", "ministry_names", "title_block"],
    decoy_quotes=[
        "fine particulate matter (PM2.5), annual mean, 10 µg/m³",
        "particulate matter (PM10), 24-hour mean, 45 µg/m³",
        "sulphur dioxide, 24-hour mean, 20 µg/m³",
        "PM2.5 annual mean 10 µg/m³. Copenhagen.",
    ],
    notes="Edition 2005: O3 peak season, NO2 24-hour and CO 24-hour have no 2005 guideline. 2005 interim targets used: PM2.5 annual 35/25/15, 24h 75/50/37.5; PM10 annual 70/50/30, 24h 150/100/75; O3 8h 160; SO2 24h 125/50. Conversions at 25 °C: NO2 1 ppb = 1.88 µg/m³, O3 1 ppb = 1.96 µg/m³.",
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="aqg_es_norma_calidad", rubric="who_aqg", language="es", formats=["html"], edition="2021",
    text="""
# DECRETO SUPREMO N.° 012-2022 — Norma primaria de calidad del aire

Ministerio del Medio Ambiente. Subsecretaría de Calidad Ambiental. División de Calidad del Aire.

## Considerando

Que la Organización Mundial de la Salud publicó en 2021 sus directrices mundiales sobre la calidad del aire; los valores de la OMS para el PM2,5 —5 µg/m³ como media anual y 15 µg/m³ como media de 24 horas— se citan únicamente como referencia y no constituyen norma.

## Decreto

Artículo 1. Objeto. El presente decreto establece las normas primarias de calidad del aire para proteger la salud de la población en todo el territorio nacional.

Artículo 3. Material particulado fino respirable PM2,5. Se establece como norma primaria de calidad del aire el valor de 20 µg/m³ como concentración anual, y de 50 µg/m³ como concentración de 24 horas, percentil 98.

Artículo 4. Material particulado respirable MP10. La concentración no deberá superar 50 µg/m³ como promedio aritmético anual ni 130 µg/m³ como concentración de 24 horas.

Artículo 5. Dióxido de nitrógeno (NO2). Límite máximo permisible: 0,053 ppm como promedio anual y 0,21 ppm como promedio horario.

Artículo 6. Ozono (O3). Límite máximo permisible: 0,07 ppm, promedio móvil de 8 horas.

Artículo 7. Dióxido de azufre (SO2). Límite máximo permisible: 0,04 ppm como promedio de 24 horas.

Artículo 8. Monóxido de carbono (CO). 9 ppm como promedio móvil de 8 horas y 26 ppm como promedio de 1 hora.

Artículo 9. El presente decreto no establece valores para el ozono en la temporada de mayor concentración, ni para el dióxido de azufre en periodos de diez minutos.

## Bibliografía

- OMS (2021). Directrices mundiales de la OMS sobre la calidad del aire: partículas en suspensión (PM2,5 y PM10), ozono, dióxido de nitrógeno, dióxido de azufre y monóxido de carbono. NO2 media anual 10 µg/m³. Ginebra.
""",
    expected=dict(
        pm25_annual="partial", pm25_24h="partial", pm10_annual="partial", pm10_24h="partial",
        o3_peak_season="absent", o3_8h="partial", no2_annual="absent", no2_24h="absent",
        no2_1h="absent", so2_24h="partial", so2_10min="absent", co_24h="absent",
    ),
    standards=[
        dict(criterion="pm25_annual", value=20, unit="µg/m³"),
        dict(criterion="pm25_24h", value=50, unit="µg/m³"),
        dict(criterion="pm10_annual", value=50, unit="µg/m³"),
        dict(criterion="pm10_24h", value=130, unit="µg/m³"),
        dict(criterion="no2_annual", value=0.053, unit="ppm"),
        dict(criterion="no2_1h", value=0.21, unit="ppm"),
        dict(criterion="o3_8h", value=0.07, unit="ppm"),
        dict(criterion="so2_24h", value=0.04, unit="ppm"),
    ],
    decoys=["reference_values_not_adopted", "negation", "bibliography", "pollutant_in_heading", "averaging_after_value", "ppb_ppm_units", "maximum_permissible_level", "ministry_names"],
    decoy_quotes=[
        "los valores de la OMS para el PM2,5 —5 µg/m³ como media anual y 15 µg/m³ como media de 24 horas— se citan únicamente como referencia y no constituyen norma.",
        "El presente decreto no establece valores para el ozono en la temporada de mayor concentración, ni para el dióxido de azufre en periodos de diez minutos.",
        "NO2 media anual 10 µg/m³. Ginebra.",
    ],
    notes="NO2 0.053 ppm = 99.7 µg/m³ (above IT-1 40) and 0.21 ppm = 395 µg/m³ (above 200): absent though adopted. O3 0.07 ppm = 137 µg/m³ (IT-1). SO2 0.04 ppm = 105 µg/m³ (IT-1). CO 8 h/1 h are not criteria.",
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="aqg_pt_resolucao", rubric="who_aqg", language="pt", formats=["pdf"], edition="2021",
    text="""
# RESOLUÇÃO CONAMA Nº 512, DE 14 DE MARÇO DE 2024 — Dispõe sobre padrões de qualidade do ar

Ministério do Meio Ambiente e Mudança do Clima. Conselho Nacional do Meio Ambiente.

O CONSELHO NACIONAL DO MEIO AMBIENTE, no uso das competências que lhe são conferidas pela Lei nº 6.938, de 31 de agosto de 1981, resolve:

Art. 1º Esta Resolução estabelece padrões de qualidade do ar para todo o território nacional.

Art. 2º Para os efeitos desta Resolução, padrão de qualidade do ar é o valor de concentração de um poluente específico na atmosfera, associado a um intervalo de tempo de exposição, que não deve ser ultrapassado.

Art. 3º Ficam adotados, a partir da data de publicação desta Resolução, os Padrões de Qualidade do Ar Intermediários PI-1 constantes do Anexo I. Os Padrões Finais (PF) constituem metas a serem adotadas em data a ser definida pelo Conselho, mediante avaliação dos planos estaduais de controle de emissões.

Art. 4º Não se aplicam padrões para partículas totais em suspensão nem para ozônio na estação de maior concentração.

## ANEXO I — Padrões de qualidade do ar

| Poluente atmosférico | Período de referência | PI-1 | PF | Unidade |
| Material particulado MP10 | 24 horas | 120 | 45 | µg/m³ |
| Material particulado MP10 | Anual | 40 | 15 | µg/m³ |
| Material particulado MP2,5 | 24 horas | 60 | 15 | µg/m³ |
| Material particulado MP2,5 | Anual | 20 | 5 | µg/m³ |
| Dióxido de enxofre SO2 | 24 horas | 125 | 40 | µg/m³ |
| Dióxido de nitrogênio NO2 | 1 hora | 260 | 200 | µg/m³ |
| Dióxido de nitrogênio NO2 | Anual | 60 | 10 | µg/m³ |
| Ozônio O3 | 8 horas | 140 | 100 | µg/m³ |
| Monóxido de carbono CO | 8 horas | 9 | 9 | ppm |

Art. 8º Esta Resolução entra em vigor na data de sua publicação, revogando-se a Resolução CONAMA nº 3, de 28 de junho de 1990, que fixava para o dióxido de enxofre o padrão primário de 365 µg/m³ em 24 horas.
""",
    expected=dict(
        pm25_annual="partial", pm25_24h="partial", pm10_annual="partial", pm10_24h="partial",
        o3_peak_season="absent", o3_8h="partial", no2_annual="absent", no2_24h="absent",
        no2_1h="absent", so2_24h="partial", so2_10min="absent", co_24h="absent",
    ),
    standards=[
        dict(criterion="pm10_24h", value=120, unit="µg/m³"),
        dict(criterion="pm10_annual", value=40, unit="µg/m³"),
        dict(criterion="pm25_24h", value=60, unit="µg/m³"),
        dict(criterion="pm25_annual", value=20, unit="µg/m³"),
        dict(criterion="so2_24h", value=125, unit="µg/m³"),
        dict(criterion="no2_1h", value=260, unit="µg/m³"),
        dict(criterion="no2_annual", value=60, unit="µg/m³"),
        dict(criterion="o3_8h", value=140, unit="µg/m³"),
    ],
    decoys=["future_targets_not_adopted", "repealed_provision", "negation", "table_value_unit_separate_cells", "ministry_names", "title_block"],
    decoy_quotes=[
        "que fixava para o dióxido de enxofre o padrão primário de 365 µg/m³ em 24 horas.",
        "Não se aplicam padrões para partículas totais em suspensão nem para ozônio na estação de maior concentração.",
    ],
    notes="Only the PI-1 column is adopted; the PF column is a future target and must not count. NO2 1 h 260 > 200 (no interim target) and NO2 annual 60 > 40: absent.",
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="aqg_zh_biaozhun", rubric="who_aqg", language="zh", formats=["pdf", "docx"], edition="2021",
    text="""
# 环境空气质量标准（GB 3095—2023）

生态环境部 国家市场监督管理总局 发布 2023-12-01 实施

## 1 适用范围

本标准规定了环境空气功能区分类、标准分级、污染物项目、平均时间及浓度限值、监测方法、数据统计的有效性规定及实施与监督等内容。本标准不规定室内空气质量限值。

## 2 规范性引用文件

- HJ 618 环境空气 PM10和PM2.5的测定 重量法
- HJ 479 环境空气 氮氧化物（一氧化氮和二氧化氮）的测定
- 世界卫生组织. 全球空气质量指导值（2021）. PM2.5年平均5微克/立方米

## 3 环境空气功能区分类和质量要求

环境空气功能区分为二类：一类区为自然保护区、风景名胜区和其他需要特殊保护的区域；二类区为居住区、商业交通居民混合区、文化区、工业区和农村地区。一类区适用一级浓度限值，二类区适用二级浓度限值。

## 4 环境空气污染物基本项目浓度限值

| 污染物项目 | 平均时间 | 一级浓度限值 | 二级浓度限值 | 单位 |
| 二氧化硫（SO2） | 24小时平均 | 50 | 150 | μg/m³ |
| 二氧化氮（NO2） | 年平均 | 40 | 40 | μg/m³ |
| 二氧化氮（NO2） | 24小时平均 | 80 | 80 | μg/m³ |
| 二氧化氮（NO2） | 1小时平均 | 200 | 200 | μg/m³ |
| 一氧化碳（CO） | 24小时平均 | 4 | 4 | mg/m³ |
| 臭氧（O3） | 日最大8小时平均 | 100 | 160 | μg/m³ |
| 颗粒物（粒径小于等于10μm） | 年平均 | 40 | 70 | μg/m³ |
| 颗粒物（粒径小于等于10μm） | 24小时平均 | 50 | 150 | μg/m³ |
| 颗粒物（粒径小于等于2.5μm） | 年平均 | 15 | 35 | μg/m³ |
| 颗粒物（粒径小于等于2.5μm） | 24小时平均 | 35 | 75 | μg/m³ |

## 5 实施与监督

本标准由县级以上人民政府生态环境主管部门负责监督实施。二氧化硫24小时平均浓度限值拟在下次修订时收严至每立方米40微克，目前尚未采纳。
""",
    expected=dict(
        pm25_annual="partial", pm25_24h="partial", pm10_annual="partial", pm10_24h="partial",
        o3_peak_season="absent", o3_8h="partial", no2_annual="partial", no2_24h="partial",
        no2_1h="present", so2_24h="absent", so2_10min="absent", co_24h="present",
    ),
    standards=[
        dict(criterion="so2_24h", value=150, unit="µg/m³"),
        dict(criterion="no2_annual", value=40, unit="µg/m³"),
        dict(criterion="no2_24h", value=80, unit="µg/m³"),
        dict(criterion="no2_1h", value=200, unit="µg/m³"),
        dict(criterion="co_24h", value=4, unit="mg/m³"),
        dict(criterion="o3_8h", value=160, unit="µg/m³"),
        dict(criterion="pm10_annual", value=70, unit="µg/m³"),
        dict(criterion="pm10_24h", value=150, unit="µg/m³"),
        dict(criterion="pm25_annual", value=35, unit="µg/m³"),
        dict(criterion="pm25_24h", value=75, unit="µg/m³"),
    ],
    decoys=["bibliography", "not_adopted", "negation", "table_value_unit_separate_cells", "two_grades_least_stringent", "pollutant_named_in_words", "ministry_names", "title_block"],
    decoy_quotes=[
        "世界卫生组织. 全球空气质量指导值（2021）. PM2.5年平均5微克/立方米",
        "二氧化硫24小时平均浓度限值拟在下次修订时收严至每立方米40微克，目前尚未采纳。",
    ],
    notes="Two grades; the least stringent adopted (grade II) counts. SO2 24 h 150 > IT-1 125: absent. PM10/PM2.5 rows name the pollutant by particle size in words.",
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="aqg_ar_damaged", rubric="who_aqg", language="ar", formats=["pdf"], edition="2021",
    damage="arabic_forms", no_shaping=True,
    notes="The whole text layer is Arabic presentation forms in reversed (visual) order, as from a pre-shaped PDF; every criterion is not_determinable. The standards it states are listed under standards_unreadable, not counted as findable.",
    text="""
@damage arabic_forms
# اللائحة التنفيذية لحماية الهواء من التلوث

المادة الأولى: يحظر أن يتجاوز تركيز الجسيمات الدقيقة في الهواء المحيط الحد الأقصى المسموح به وهو خمسة عشر ميكروغراما للمتر المكعب متوسطا سنويا.

المادة الثانية: الحد الأقصى المسموح به لتركيز ثاني أكسيد النيتروجين مئتا ميكروغرام للمتر المكعب متوسط ساعة واحدة، وأربعون ميكروغراما متوسطا سنويا.

المادة الثالثة: الحد الأقصى المسموح به لتركيز ثاني أكسيد الكبريت مئة وخمسة وعشرون ميكروغراما للمتر المكعب متوسط أربع وعشرين ساعة.
@end
""",
    default="not_determinable",
    expected={},
    standards=[],
    standards_unreadable=[
        dict(criterion="pm25_annual", value=15, unit="µg/m³"),
        dict(criterion="no2_1h", value=200, unit="µg/m³"),
        dict(criterion="no2_annual", value=40, unit="µg/m³"),
        dict(criterion="so2_24h", value=125, unit="µg/m³"),
    ],
    decoys=["damaged_text"],
    decoy_quotes=[],
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="ndc_en_island_state", rubric="ndc_urban", language="en", formats=["docx"],
    text="""
# Updated Nationally Determined Contribution of the Commonwealth of Santa Verde

Submitted to the UNFCCC secretariat in July 2022. Ministry of Climate Resilience, the Environment and Renewable Energy.

## Contents

- 1. National circumstances
- 2. Mitigation contribution
- 3. Adaptation
- 4. Means of implementation
- Annex: Stakeholders consulted

## 1. National circumstances

Road transport in the capital, Port Marigot, accounts for 41% of energy-sector emissions, and the number of vehicles registered in Port Marigot doubled between 2010 and 2020. About 60% of the population and most critical infrastructure are located in low-lying coastal towns exposed to storm surge and sea-level rise; Hurricane Irma damaged 4,300 homes in Port Marigot in 2017.

Women make up 63% of the informal market vendors of Port Marigot, who lose their income whenever the central market floods.

## 2. Mitigation contribution

Santa Verde commits to reduce economy-wide greenhouse gas emissions by 35% below business-as-usual by 2030. To that end the Government will:

- install 40 MW of solar photovoltaic capacity and convert all street lighting in Port Marigot to LED by 2027;
- open an 18 km bus rapid transit corridor in Greater Port Marigot and electrify the municipal vehicle fleet by 2029.

This NDC does not cover emissions from the waste sector, which represent less than 2% of the national total.

## 3. Adaptation

The Government will rehabilitate the storm-water drainage network of Port Marigot and build a 2.4 km sea wall along the Bayfront by 2028; 30% of the paid construction jobs of the drainage programme will be reserved for women.

A national desalination plant with a capacity of 10,000 m³ per day will be commissioned by 2026.

The Physical Planning Act will be amended by 2026 to prohibit new construction within 50 metres of the shoreline in all urban areas.

Relocation of informal settlements from the coastal floodplain could be considered in a future NDC.

The Port Marigot City Council and the three district councils will implement the street-lighting and drainage measures and report progress every year to the National Climate Change Committee.

## 4. Means of implementation

The urban measures in Port Marigot are estimated to cost USD 310 million, of which USD 250 million is conditional on international support; the Government will seek Green Climate Fund financing for the Bayfront sea wall.

## Annex: Stakeholders consulted

- Ministry of Housing and Urban Development
- Port Marigot Women's Market Association
- Santa Verde Solid Waste Management Authority
- Caribbean Community Climate Change Centre
""",
    expected=dict(
        urban_mitigation="present", urban_mitigation_challenges="present", urban_adaptation="present",
        urban_adaptation_challenges="present", urban_hazards="present", urban_finance="present",
        urban_gender="present", multilevel_governance="present", housing_informal="partial",
        urban_planning="present", sector_energy="present", sector_transport="present",
        sector_waste="absent", sector_infrastructure="present", sector_water="partial",
    ),
    decoys=["negation", "hypothetical", "consultation_list", "table_of_contents", "ministry_names", "title_block"],
    decoy_quotes=[
        "This NDC does not cover emissions from the waste sector, which represent less than 2% of the national total.",
        "Relocation of informal settlements from the coastal floodplain could be considered in a future NDC.",
        "Santa Verde Solid Waste Management Authority",
        "Ministry of Housing and Urban Development",
        "Port Marigot Women's Market Association",
    ],
    notes="sector_water partial: national desalination plant (concrete) without an urban reference. housing_informal partial: homes damaged in Port Marigot (a diagnosis); the relocation of informal settlements is only hypothetical.",
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="ndc_fr_cdn_revisee", rubric="ndc_urban", language="fr", formats=["pdf"],
    text="""
# Contribution déterminée au niveau national révisée de la République du Kéléma

Ministère de l'Environnement et du Développement durable. Direction de la lutte contre les changements climatiques. Septembre 2021.

## Table des matières

- 1. Contexte national ........ 2
- 2. Atténuation : énergie, déchets, transports urbains ........ 3
- 3. Adaptation des villes ........ 4
- 4. Financement des collectivités locales ........ 5

## 1. Contexte national

Les villes contribuent de plus en plus aux émissions du pays. Les inondations de septembre 2020 ont touché 56 000 personnes dans les quartiers périphériques de Kassoum, la capitale, et détruit 4 100 habitations construites en zone inondable.

## 2. Atténuation

Le Kéléma porte la part des énergies renouvelables dans la production d'électricité à 45 % en 2030.

Le biogaz de la décharge de Kéré, qui reçoit les déchets ménagers de l'agglomération de Kassoum, sera capté et valorisé à partir de 2025, pour une réduction attendue de 0,4 MtCO2e par an.

Le renouvellement du parc de taxis urbains pourrait être envisagé lors d'une révision ultérieure.

## 3. Adaptation

Construction de 35 km de canaux de drainage des eaux pluviales dans l'agglomération de Kassoum d'ici 2027.

Restructuration de 12 quartiers précaires exposés aux inondations à Kassoum, avec relogement de 3 000 ménages sur des sites viabilisés.

Porter le taux d'accès à l'eau potable à 95 % de la population nationale en 2030.

Les collectivités territoriales seront associées à la mise en œuvre de la présente contribution.

Le plan directeur d'urbanisme de Kassoum, en cours de révision, n'intègre pas encore de volet climatique.

## 4. Financement

La présente CDN n'identifie pas de besoins de financement propres aux collectivités locales.

## Liste des institutions consultées

- Ministère de la Femme, de la Famille et de l'Enfance
- Mairie de Kassoum
- Agence nationale de gestion des déchets
- Société des transports urbains de Kassoum
""",
    expected=dict(
        urban_mitigation="present", urban_mitigation_challenges="partial", urban_adaptation="present",
        urban_adaptation_challenges="present", urban_hazards="present", urban_finance="absent",
        urban_gender="absent", multilevel_governance="partial", housing_informal="present",
        urban_planning="absent", sector_energy="partial", sector_transport="absent",
        sector_waste="present", sector_infrastructure="present", sector_water="partial",
    ),
    decoys=["table_of_contents", "negation", "hypothetical", "consultation_list", "ministry_names", "title_block"],
    decoy_quotes=[
        "2. Atténuation : énergie, déchets, transports urbains ........ 3",
        "4. Financement des collectivités locales ........ 5",
        "Le renouvellement du parc de taxis urbains pourrait être envisagé lors d'une révision ultérieure.",
        "Le plan directeur d'urbanisme de Kassoum, en cours de révision, n'intègre pas encore de volet climatique.",
        "La présente CDN n'identifie pas de besoins de financement propres aux collectivités locales.",
        "Ministère de la Femme, de la Famille et de l'Enfance",
        "Société des transports urbains de Kassoum",
    ],
    notes="sector_energy and sector_water partial: national targets without an urban reference. urban_mitigation_challenges partial: a mention without data.",
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="ndc_ar_tahdith", rubric="ndc_urban", language="ar", formats=["pdf"],
    text="""
# المساهمات المحددة وطنيا المحدثة 2021

وزارة البيئة — مديرية التغير المناخي. المملكة — تشرين الأول 2021.

## أولا: الظروف الوطنية

يستهلك قطاع المباني السكنية في المدن 43% من الكهرباء المولدة في المملكة، ويأتي معظم الطلب من عمان الكبرى والزرقاء وإربد.

تتعرض المدن لضغوط متزايدة بسبب تغير المناخ.

شهد وسط مدينة عمان فيضانات مفاجئة متكررة، آخرها في شباط 2019، إضافة إلى موجات حر شديدة في صيف 2021.

## ثانيا: التخفيف

تحويل 30% من حافلات النقل العام في أمانة عمان الكبرى إلى حافلات كهربائية بحلول عام 2030.

إلزام المباني الحكومية الجديدة في المدن بكود البناء الأخضر وتركيب أنظمة تسخين المياه بالطاقة الشمسية في جميع المباني السكنية الجديدة في المناطق الحضرية.

خفض انبعاثات قطاع النفايات بنسبة 15% على المستوى الوطني بحلول عام 2030.

## ثالثا: التكيف

لا تتضمن هذه المساهمة إجراءات تكيف خاصة بالمناطق الحضرية.

خفض الفاقد في شبكات المياه على المستوى الوطني إلى 25% بحلول عام 2030.

ستراعى اعتبارات تغير المناخ في التخطيط العمراني.

قد ينظر في إدراج التجمعات السكنية غير الرسمية في التحديث القادم للمساهمات.

## رابعا: الحوكمة والتمويل

تتولى اللجنة الوطنية لتغير المناخ التنسيق مع البلديات، وتعين كل بلدية كبرى ضابط ارتباط للمناخ يرفع تقريرا سنويا عن تنفيذ الإجراءات المحلية.

تحتاج أمانة عمان الكبرى إلى 450 مليون دولار لتنفيذ خطة عمان للعمل المناخي، وتسعى للحصول على جزء منها من صندوق المناخ الأخضر.

## المراجع

- برنامج الأمم المتحدة للمستوطنات البشرية (2022). المحتوى الحضري للمساهمات المحددة وطنيا: التكيف والتمويل والنوع الاجتماعي في المدن.
""",
    expected=dict(
        urban_mitigation="present", urban_mitigation_challenges="present", urban_adaptation="absent",
        urban_adaptation_challenges="partial", urban_hazards="present", urban_finance="present",
        urban_gender="absent", multilevel_governance="present", housing_informal="absent",
        urban_planning="partial", sector_energy="present", sector_transport="present",
        sector_waste="partial", sector_infrastructure="absent", sector_water="partial",
    ),
    decoys=["negation", "hypothetical", "bibliography", "ministry_names", "title_block"],
    decoy_quotes=[
        "لا تتضمن هذه المساهمة إجراءات تكيف خاصة بالمناطق الحضرية.",
        "قد ينظر في إدراج التجمعات السكنية غير الرسمية في التحديث القادم للمساهمات.",
        "برنامج الأمم المتحدة للمستوطنات البشرية (2022). المحتوى الحضري للمساهمات المحددة وطنيا: التكيف والتمويل والنوع الاجتماعي في المدن.",
    ],
    notes="sector_waste and sector_water partial: national targets without an urban reference. urban_adaptation_challenges partial: mention only (the hazards sentence names floods and heat in Amman, counted under urban_hazards).",
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="ndc_mixed_zh_en_indc", rubric="ndc_urban", language="mixed", languages=["zh", "en"], formats=["pdf"],
    text="""
# 强化应对气候变化行动——华夏共和国国家自主贡献 / Enhanced Actions on Climate Change: Nationally Determined Contribution of the Republic of Huaxia

## 一、国情与挑战 / I. National circumstances

城镇化率从2005年的43%提高到2020年的64%，城市建筑和交通能耗持续增长，占全国终端能源消费的40%以上。2012年7月21日特大暴雨造成首都城区严重内涝，79人遇难。

The urbanization rate rose from 43% in 2005 to 64% in 2020; energy use by urban buildings and transport keeps growing and exceeds 40% of national final energy consumption. The extreme rainstorm of 21 July 2012 caused severe urban waterlogging in the capital, killing 79 people.

## 二、强化行动 / II. Enhanced actions

到2030年，城区公共交通出行比例达到45%。到2025年，城镇新建建筑全面执行绿色建筑标准，北方城镇既有居住建筑节能改造面积达到5亿平方米。到2025年，地级及以上城市生活垃圾资源化利用比例提升至60%。

By 2030, public transport will account for 45% of motorised trips in urban areas. By 2025, all new urban buildings will comply with the green building standard, and 500 million square metres of existing residential buildings in northern cities and towns will be retrofitted for energy efficiency. By 2025, 60% of municipal solid waste in cities at prefecture level and above will be recycled or recovered.

建设海绵城市，到2030年城市建成区80%以上的面积达到海绵城市建设要求。提升城市基础设施适应气候变化的能力。城市新区建设严格执行城市总体规划划定的开发边界。

Sponge cities will be built: by 2030, more than 80% of the built-up area of cities will meet the sponge-city requirements for rainwater retention and reuse. The capacity of urban infrastructure to adapt to climate change will be improved. New urban districts shall strictly respect the development boundaries set by the city master plans.

## 三、实施 / III. Implementation

地方各级人民政府应结合本地实际落实本文件。本文件不涉及地方政府融资安排。

Local people's governments at all levels shall implement this document in light of local conditions. This document does not address the financing arrangements of local governments.
""",
    expected=dict(
        urban_mitigation="present", urban_mitigation_challenges="present", urban_adaptation="present",
        urban_adaptation_challenges="present", urban_hazards="present", urban_finance="absent",
        urban_gender="absent", multilevel_governance="partial", housing_informal="absent",
        urban_planning="present", sector_energy="present", sector_transport="present",
        sector_waste="present", sector_infrastructure="partial", sector_water="present",
    ),
    decoys=["negation", "bilingual", "title_block"],
    decoy_quotes=[
        "本文件不涉及地方政府融资安排。",
        "This document does not address the financing arrangements of local governments.",
    ],
    notes="Bilingual: each Chinese paragraph is followed by its English translation; both halves must give the same levels.",
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="sdg_en_land_act", rubric="sdg5a2", language="en", formats=["pdf"],
    text="""
# THE LAND ACT, 2019 — Act No. 6 of 2019

An Act to consolidate the law relating to the tenure, registration and administration of land. Ministry of Lands, Housing and Urban Development.

ENACTED by the Parliament of the Republic.

## PART I — PRELIMINARY

3. Tenure systems. (1) Land may be held under freehold, leasehold or customary tenure. (2) Customary tenure is recognised as a form of ownership of land, and rights held under customary tenure may be registered under this Act.

## PART II — OWNERSHIP BY SPOUSES

14. Registration of matrimonial land. (1) Land acquired by either spouse during the subsistence of a marriage shall be registered in the joint names of both spouses as co-owners. (2) The Registrar shall not register a transfer of matrimonial land into the name of one spouse alone.

15. Transactions on family land. No person shall sell, exchange, transfer, mortgage or lease any family land except with the prior written consent of his or her spouse; a transaction entered into in contravention of this section is void.

## PART III — CUSTOMARY LAND

27. Rights of women under customary tenure. Any decision taken in respect of land held under customary tenure, whether in respect of land held individually or communally, which denies women access to ownership, occupation or use of that land is null and void.

28. Succession. This Act does not regulate succession to land, which remains governed by the Succession Act.

## PART IV — INSTITUTIONS

40. District Land Boards. (1) There shall be a District Land Board for every district, consisting of five members, at least two of whom shall be women.

45. Credit. The Government shall encourage financial institutions to extend credit to women for the acquisition of land.

## SCHEDULE — Forms

| Form | Purpose | Remarks |
| Form 7 | Spousal consent to succession | Not applicable |
| Form 9 | Land fund for women | Not applicable |
""",
    expected=dict(
        proxy_a_joint_registration="present", proxy_b_spousal_consent="present",
        proxy_c_inheritance="absent", proxy_d_financial_resources="partial",
        proxy_e_customary="present", proxy_f_quotas="present",
    ),
    decoys=["non_commitment", "template_rows", "ministry_names", "title_block"],
    decoy_quotes=[
        "This Act does not regulate succession to land, which remains governed by the Succession Act.",
        "| Form 7 | Spousal consent to succession | Not applicable |",
        "| Form 9 | Land fund for women | Not applicable |",
    ],
    notes="proxy_d partial: the law asks the Government to encourage credit, no public funds allocated.",
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="sdg_es_reversed", rubric="sdg5a2", language="es", formats=["txt"],
    damage="reverse", no_title_block=True,
    notes="From Article 2 on, every line is reversed (right-to-left extraction of a left-to-right text); proxies only stated there are not_determinable, and proxy E cannot be judged not_applicable.",
    text="""
# LEY DE REFORMA AGRARIA Y TITULACIÓN DE TIERRAS — Ley N.° 1715

Artículo 1. Titulación conjunta. Los títulos ejecutoriales de propiedad agraria se emitirán obligatoriamente a nombre de ambos cónyuges o convivientes, con independencia de su estado civil, cuando la tierra sea trabajada por la pareja.

@damage reverse
Artículo 2. Sucesión. Las mujeres y los hombres tienen iguales derechos a heredar la tierra de sus progenitores y cónyuges; es nula toda disposición que otorgue preferencia a los herederos varones.

Artículo 3. Consentimiento. La venta, hipoteca o arrendamiento de la tierra familiar requiere el consentimiento escrito de ambos cónyuges, bajo sanción de nulidad.

Artículo 4. Comunidades campesinas e indígenas. Se reconoce la propiedad comunitaria regida por los usos y costumbres; estos no podrán restringir el acceso de las mujeres a la tierra.

Artículo 5. Fondo de Tierras. El Fondo Nacional de Tierras destinará al menos el 30 % de su presupuesto anual a créditos para mujeres jefas de hogar.
@end
""",
    default="not_determinable",
    expected=dict(proxy_a_joint_registration="present"),
    decoys=["damaged_text"],
    decoy_quotes=[],
))

# ---------------------------------------------------------------------------------------------
DOCS.append(dict(
    id="sdg_pt_lei_terras", rubric="sdg5a2", language="pt", formats=["docx"],
    text="""
# LEI DE TERRAS — Lei n.º 19/2022, de 7 de Outubro

Assembleia da República. Ministério da Agricultura e Desenvolvimento Rural. Direcção Nacional de Terras e Florestas.

## CAPÍTULO I — Disposições gerais

Artigo 10. Aquisição por ocupação costumeira. 1. O direito de uso e aproveitamento da terra é adquirido pelas pessoas singulares e pelas comunidades locais segundo as normas e práticas costumeiras que não contrariem a Constituição. 2. As normas e práticas costumeiras não podem restringir o direito da mulher ao uso e aproveitamento da terra, nem excluí-la da sua transmissão.

Artigo 12. Titulação. Os cônjuges podem requerer que o título de uso e aproveitamento da terra seja emitido em nome de ambos.

Artigo 16. Transmissão por herança. O direito de uso e aproveitamento da terra nas zonas urbanas pode ser transmitido por herança, sem distinção de sexo.

Artigo 22. Transmissão entre vivos. A transmissão ou oneração de direitos sobre prédios que constituam habitação da família carece do consentimento expresso de ambos os cônjuges, sob pena de nulidade.

## CAPÍTULO II — Financiamento e órgãos

Artigo 30. Esta Lei não prevê fundos públicos específicos para a aquisição de terra por mulheres.

Artigo 31. Comissões de terras. Durante a discussão na especialidade foi proposta uma quota de 30 % de mulheres nas comissões provinciais de terras, que não foi aprovada.

## Bibliografia

- FAO (2018). Realizar os direitos das mulheres à terra na lei: guia para o indicador 5.a.2 dos ODS.
""",
    expected=dict(
        proxy_a_joint_registration="partial", proxy_b_spousal_consent="present",
        proxy_c_inheritance="partial", proxy_d_financial_resources="absent",
        proxy_e_customary="present", proxy_f_quotas="absent",
    ),
    decoys=["negation", "not_adopted", "bibliography", "ministry_names", "title_block"],
    decoy_quotes=[
        "Esta Lei não prevê fundos públicos específicos para a aquisição de terra por mulheres.",
        "foi proposta uma quota de 30 % de mulheres nas comissões provinciais de terras, que não foi aprovada.",
        "FAO (2018). Realizar os direitos das mulheres à terra na lei: guia para o indicador 5.a.2 dos ODS.",
    ],
    notes="proxy_a partial: joint titling optional. proxy_c partial: equal inheritance limited to urban zones.",
))

# ---------------------------------------------------------------------------------------------
# Added after the draw (make_gold.SUPPLEMENT): a Russian text for the dev half.
DOCS.append(dict(
    id="ndc_ru_gorodskie_mery", rubric="ndc_urban", language="ru", formats=["docx"],
    text="""
# Определяемый на национальном уровне вклад Республики Каспия (обновление 2022 года)

Министерство природных ресурсов и охраны окружающей среды. Государственный комитет по гидрометеорологии.

## 1. Климатические риски в городах

В апреле 2021 года наводнение в городе Каспийск затронуло 18 000 жителей и разрушило 640 домов; волны жары в Каспийске и Нарыне за последнее десятилетие стали вдвое чаще.

## 2. Смягчение

Города играют важную роль в сокращении выбросов.

Доля возобновляемых источников в производстве электроэнергии составит 15 % к 2030 году.

Настоящий документ не содержит мер в секторе транспорта.

## 3. Адаптация

В городах Каспийск и Нарын к 2030 году будет построено 25 км ливневой канализации и озеленено 300 га городских территорий.

К 2028 году из самовольной застройки в пойме реки в Каспийске будут переселены 1 200 семей.

К 2025 году градостроительные нормы будут изменены: в городах запрещается застройка в зонах затопления, обозначенных на картах риска.

Программа повторного использования сточных вод может быть рассмотрена в будущем.

Местные органы власти будут привлекаться к реализации вклада.

Потребность городов в финансировании адаптации оценивается в 220 млн долларов США; средства будут запрашиваться в Адаптационном фонде.

## Перечень консультируемых организаций

- Министерство энергетики и водных ресурсов
- Ассоциация городов Каспии
- Комитет по делам женщин и семьи
""",
    expected=dict(
        urban_mitigation="partial", urban_mitigation_challenges="absent", urban_adaptation="present",
        urban_adaptation_challenges="present", urban_hazards="present", urban_finance="present",
        urban_gender="absent", multilevel_governance="partial", housing_informal="present",
        urban_planning="present", sector_energy="partial", sector_transport="absent",
        sector_waste="absent", sector_infrastructure="present", sector_water="absent",
    ),
    decoys=["negation", "hypothetical", "consultation_list", "ministry_names", "title_block"],
    decoy_quotes=[
        "Настоящий документ не содержит мер в секторе транспорта.",
        "Программа повторного использования сточных вод может быть рассмотрена в будущем.",
    ],
    notes="Russian: labelled from content. sector_energy partial: national target. urban_mitigation partial: a mention only.",
))
