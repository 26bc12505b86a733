//! The profile vocabulary (SPEC §2), one row per field: its name, type and domain, its one-line help, the
//! French question a physician is asked and the French labels of its values, where to find the answer,
//! and, for the fields a physician can act on, the phrase of a near miss. The flags, the JSON reader,
//! the rule checker, the questions of the answer and of the questionnaire, and the README all read it.
//! `Kind` and `FieldId` live here, below the reference data and the profile, so that `referentiel` can
//! name fields without importing the profile.

use crate::diagnostic::did_you_mean;
use serde::{Deserialize, Serialize};

/// A field's type and accepted values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// Free text (only `id`); cannot be used in conditions.
    Text,
    /// A commune of the communes table, by INSEE code or name; it gives the département.
    Commune,
    /// A postal code; it gives the département when all its communes share one.
    CodePostal,
    /// A département code of the reference data.
    Departement,
    /// A region slug of the reference data.
    Region,
    /// One of a closed list of strings.
    Choice(&'static [&'static str]),
    /// One of a closed list of integers (the sector).
    IntChoice(&'static [i64]),
    Bool,
    /// A number in `[min, max]` (`min` excluded when `min_exclusive`), a multiple of `step` when set.
    Number {
        min: f64,
        max: f64,
        min_exclusive: bool,
        step: Option<f64>,
    },
    /// A whole number `>= min`.
    Integer {
        min: i64,
    },
    Date,
    /// A list of values of a closed set (`[]` means none).
    List(&'static [&'static str]),
}

/// Index of a field in `FIELDS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct FieldId(pub u8);

impl FieldId {
    #[must_use]
    pub fn def(self) -> &'static Field {
        &FIELDS[usize::from(self.0)]
    }

    #[must_use]
    pub fn name(self) -> &'static str {
        self.def().name
    }

    /// `date_installation` → `date-installation`.
    #[must_use]
    pub fn flag(self) -> String {
        self.name().replace('_', "-")
    }
}

/// Number of fields; a profile is an array of this many slots.
pub const FIELD_COUNT: usize = 33;
const _: () = assert!(FIELDS.len() == FIELD_COUNT);
const _: () = assert!(FIELD_COUNT <= u8::MAX as usize, "a FieldId is a u8");

// The capacity of the compact forms, checked when the vocabulary changes: a list's values are the bits of
// a `Value::Set(u32)`; `dans` / `hors` conditions hold a closed set's values as the bits of a `u128`.
const _: () = {
    let mut i = 0;
    while i < FIELDS.len() {
        match FIELDS[i].kind {
            Kind::List(values) => assert!(values.len() <= 32, "a list field has at most 32 values"),
            Kind::Choice(values) => assert!(values.len() <= 128, "a choice has at most 128 values"),
            Kind::IntChoice(values) => {
                assert!(values.len() <= 128, "a choice has at most 128 values");
            }
            _ => {}
        }
        i += 1;
    }
};

/// Looks a field up by its JSON name.
#[must_use]
pub fn field_id(name: &str) -> Option<FieldId> {
    FIELDS
        .iter()
        .position(|f| f.name == name)
        .and_then(|i| u8::try_from(i).ok())
        .map(FieldId)
}

/// Every field name (for suggestions).
pub fn field_names() -> impl Iterator<Item = &'static str> {
    FIELDS.iter().map(|f| f.name)
}

/// The id of the field named `name`, found at compile time (a name not in `FIELDS` fails the build).
const fn const_id(name: &str) -> FieldId {
    let mut i = 0;
    while i < FIELDS.len() {
        let a = FIELDS[i].name.as_bytes();
        let b = name.as_bytes();
        if a.len() == b.len() {
            let mut j = 0;
            while j < a.len() && a[j] == b[j] {
                j += 1;
            }
            if j == a.len() {
                #[allow(clippy::cast_possible_truncation)]
                // FIELD_COUNT <= u8::MAX, asserted above
                return FieldId(i as u8);
            }
        }
        i += 1;
    }
    panic!("no such field")
}

/// The ids of fields used by the core directly, looked up by name so that the vocabulary's order can
/// change.
pub mod ids {
    use super::{FieldId, const_id};
    pub const ID: FieldId = const_id("id");
    pub const DEPARTEMENT: FieldId = const_id("departement");
    pub const REGION: FieldId = const_id("region");
    pub const PROJET: FieldId = const_id("projet");
    pub const DATE_INSTALLATION: FieldId = const_id("date_installation");
    pub const DATE_DEMANDE: FieldId = const_id("date_demande");
    pub const COMMUNE: FieldId = const_id("commune");
    pub const CODE_POSTAL: FieldId = const_id("code_postal");
}

/// The help for a key outside the vocabulary: the closest field name, else every field name.
#[must_use]
pub fn unknown_field_help(key: &str) -> String {
    did_you_mean(key, field_names()).unwrap_or_else(|| {
        format!(
            "champs acceptés : {}",
            field_names().collect::<Vec<_>>().join(", ")
        )
    })
}

/// One profile field.
#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    /// French help, one line, shown in `--help` and the README.
    pub help: &'static str,
    /// The question a physician is asked when the field would decide an aid (empty: never asked).
    pub question: &'static str,
    /// French labels of a closed set's values, in the order of the domain (empty: the values as they
    /// are written).
    pub labels: &'static [&'static str],
    /// Where a physician finds the answer; `{zonage}` stands for the zonage page of the region's ARS.
    pub ou_trouver: &'static str,
    /// The field whose question also asks this one (both forms of the 10-year question are one).
    pub asked_with: Option<&'static str>,
    /// A change the physician can make to obtain an aid (`pistes`), when the field is one.
    pub levier: Option<Levier>,
    /// How an explanation names the date or number the field holds ("installation", "demande").
    pub noun: &'static str,
    /// When the field, unknown, splits the aids to confirm between its values, the answer shows the
    /// split (SPEC §5 `selon`) under this title, each value prefixed by `prefixe` (empty: never).
    pub selon: Option<SelonDef>,
    /// Values that gather the aids possible only with them while the field is unknown: such aids are
    /// said in one line (`phrase`, `{n}` their number) and ask no question until the field is known.
    pub groupes: &'static [Groupe],
}

/// Aids possible only with one value of a field, said in one line while the field is unknown.
#[derive(Debug, Clone, Copy)]
pub struct Groupe {
    pub valeur: &'static str,
    pub phrase: &'static str,
}

/// How a split of the aids by a field's values is said: « Selon la zone de votre cabinet : en ZIP … ».
#[derive(Debug, Clone, Copy)]
pub struct SelonDef {
    pub titre: &'static str,
    pub prefixe: &'static str,
}

/// A field the physician can change to obtain an aid, and how a near miss says so.
#[derive(Debug, Clone, Copy)]
pub struct Levier {
    pub quand: LevierQuand,
    /// The change in words: `{valeur}` is the new value's label, `{actuel}` the current one's.
    pub phrase: &'static str,
}

/// When a field is a lever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LevierQuand {
    Toujours,
    /// Only for a practice not yet chosen: the installation date is known and after the reference date
    /// (moving is no advice for a physician already installed, nor for one whose date is unknown), and
    /// the request is none of `hors_projets` (consultations avancées are given to physicians installed
    /// outside the ZIP: their zone is not theirs to choose).
    AvantInstallation {
        hors_projets: &'static [&'static str],
    },
}

const BASE: Field = Field {
    name: "",
    kind: Kind::Text,
    help: "",
    question: "",
    labels: &[],
    ou_trouver: "",
    asked_with: None,
    levier: None,
    noun: "",
    selon: None,
    groupes: &[],
};

pub const SPECIALITES: &[&str] = &[
    "allergologie",
    "anatomie-cytologie-pathologiques",
    "anesthesie-reanimation",
    "biologie-medicale",
    "chirurgie-generale",
    "chirurgie-maxillo-faciale",
    "chirurgie-orale",
    "chirurgie-orthopedique-traumatologique",
    "chirurgie-pediatrique",
    "chirurgie-plastique-reconstructrice-esthetique",
    "chirurgie-thoracique-cardiovasculaire",
    "chirurgie-vasculaire",
    "chirurgie-viscerale-digestive",
    "dermatologie-venereologie",
    "endocrinologie-diabetologie-nutrition",
    "genetique-medicale",
    "geriatrie",
    "gynecologie-medicale",
    "gynecologie-obstetrique",
    "hematologie",
    "hepato-gastro-enterologie",
    "maladies-infectieuses-tropicales",
    "medecine-cardiovasculaire",
    "medecine-generale",
    "medecine-interne-immunologie-clinique",
    "medecine-intensive-reanimation",
    "medecine-nucleaire",
    "medecine-physique-readaptation",
    "medecine-urgence",
    "medecine-vasculaire",
    "nephrologie",
    "neurochirurgie",
    "neurologie",
    "oncologie",
    "ophtalmologie",
    "oto-rhino-laryngologie",
    "pediatrie",
    "pneumologie",
    "psychiatrie",
    "radiologie-imagerie-medicale",
    "rhumatologie",
    "sante-publique",
    "urologie",
];

const SPECIALITES_FR: &[&str] = &[
    "Allergologie",
    "Anatomie et cytologie pathologiques",
    "Anesthésie-réanimation",
    "Biologie médicale",
    "Chirurgie générale",
    "Chirurgie maxillo-faciale",
    "Chirurgie orale",
    "Chirurgie orthopédique et traumatologique",
    "Chirurgie pédiatrique",
    "Chirurgie plastique, reconstructrice et esthétique",
    "Chirurgie thoracique et cardiovasculaire",
    "Chirurgie vasculaire",
    "Chirurgie viscérale et digestive",
    "Dermatologie et vénéréologie",
    "Endocrinologie, diabétologie, nutrition",
    "Génétique médicale",
    "Gériatrie",
    "Gynécologie médicale",
    "Gynécologie obstétrique",
    "Hématologie",
    "Hépato-gastro-entérologie",
    "Maladies infectieuses et tropicales",
    "Médecine cardiovasculaire (cardiologie)",
    "Médecine générale",
    "Médecine interne et immunologie clinique",
    "Médecine intensive-réanimation",
    "Médecine nucléaire",
    "Médecine physique et de réadaptation",
    "Médecine d'urgence",
    "Médecine vasculaire",
    "Néphrologie",
    "Neurochirurgie",
    "Neurologie",
    "Oncologie",
    "Ophtalmologie",
    "Oto-rhino-laryngologie",
    "Pédiatrie",
    "Pneumologie",
    "Psychiatrie",
    "Radiologie et imagerie médicale",
    "Rhumatologie",
    "Santé publique",
    "Urologie",
];

const PCT: Kind = Kind::Number {
    min: 0.0,
    max: 100.0,
    min_exclusive: false,
    step: None,
};

/// The profile vocabulary (SPEC §2), in the order of the spec.
pub const FIELDS: &[Field] = &[
    Field {
        name: "id",
        kind: Kind::Text,
        help: "Libellé libre, repris dans la sortie (traitement par lots)",
        ..BASE
    },
    Field {
        name: "departement",
        kind: Kind::Departement,
        help: "Département du cabinet (concerné par la demande) : 45, 2A, 971…",
        question: "Dans quel département est votre cabinet (le cabinet secondaire, pour une demande de cabinet secondaire) ?",
        asked_with: Some("commune"),
        ..BASE
    },
    Field {
        name: "region",
        kind: Kind::Region,
        help: "Région du cabinet (déduite du département quand il est donné)",
        question: "Dans quelle région est votre cabinet ?",
        asked_with: Some("commune"),
        ..BASE
    },
    Field {
        name: "zone",
        kind: Kind::Choice(&["ZIP", "ZAC", "ZAR"]),
        help: "Zonage médecin de la commune du cabinet (ZAR : toute autre zone)",
        question: "Dans quelle zone du zonage médecin est la commune de votre cabinet ?",
        labels: &[
            "ZIP (zone d'intervention prioritaire)",
            "ZAC (zone d'action complémentaire)",
            "ZAR (toute autre zone)",
        ],
        ou_trouver: "{zonage}, ou la carte Rézone de l'Assurance Maladie, https://rezone.ameli.fr",
        levier: Some(Levier {
            quand: LevierQuand::AvantInstallation {
                hors_projets: &["consultations-avancees"],
            },
            phrase: "En {valeur} plutôt qu'en {actuel}",
        }),
        selon: Some(SelonDef {
            titre: "Selon la zone de votre cabinet",
            prefixe: "en ",
        }),
        ..BASE
    },
    Field {
        name: "qpv",
        kind: Kind::Bool,
        help: "Cabinet situé dans un quartier prioritaire de la politique de la ville",
        question: "Votre cabinet est-il situé dans un quartier prioritaire de la politique de la ville (QPV) ?",
        ou_trouver: "la carte des quartiers prioritaires, https://sig.ville.gouv.fr",
        levier: Some(Levier {
            quand: LevierQuand::AvantInstallation {
                hors_projets: &["consultations-avancees"],
            },
            phrase: "Dans un quartier prioritaire de la politique de la ville (QPV)",
        }),
        ..BASE
    },
    Field {
        name: "exercice",
        kind: Kind::Choice(&["liberal", "salarie"]),
        help: "Mode d'exercice",
        question: "Exercez-vous en libéral ou en tant que salarié ?",
        labels: &["libéral", "salarié"],
        ..BASE
    },
    Field {
        name: "specialite",
        kind: Kind::Choice(SPECIALITES),
        help: "Spécialité (medecine-generale, pediatrie…)",
        question: "Quelle est votre spécialité ?",
        labels: SPECIALITES_FR,
        ..BASE
    },
    Field {
        name: "secteur",
        kind: Kind::IntChoice(&[1, 2]),
        help: "Secteur conventionnel",
        question: "Dans quel secteur conventionnel exercez-vous ?",
        labels: &["secteur 1", "secteur 2"],
        ..BASE
    },
    Field {
        name: "optam",
        kind: Kind::Bool,
        help: "Adhésion à l'OPTAM ou à l'OPTAM-ACO (secteur 2)",
        question: "Avez-vous adhéré à l'OPTAM ou à l'OPTAM-ACO ?",
        levier: Some(Levier {
            quand: LevierQuand::Toujours,
            phrase: "Avec l'OPTAM",
        }),
        ..BASE
    },
    Field {
        name: "projet",
        kind: Kind::Choice(&[
            "installation",
            "cabinet-secondaire",
            "consultations-avancees",
            "assistant-partage",
            "structure",
        ]),
        help: "Objet de la demande",
        question: "Quel est l'objet de votre demande ?",
        labels: &[
            "votre installation (cabinet principal ou poste salarié)",
            "l'ouverture d'un cabinet secondaire",
            "des consultations avancées en ZIP",
            "un poste d'assistant partagé",
            "le financement d'une structure (ESP, MSP, centre de santé, CPTS)",
        ],
        groupes: &[Groupe {
            valeur: "structure",
            phrase: "{n} aide(s) financent des structures (ESP, MSP, centre de santé, CPTS) : --projet structure pour les voir",
        }],
        ..BASE
    },
    Field {
        name: "primo_installation",
        kind: Kind::Bool,
        help: "Première installation en libéral conventionné (cabinet principal)",
        question: "Est-ce votre première installation en libéral conventionné (cabinet principal) ?",
        ..BASE
    },
    Field {
        name: "date_installation",
        kind: Kind::Date,
        help: "Date d'installation (ou d'ouverture du cabinet secondaire)",
        question: "À quelle date vous êtes-vous installé (ou ouvrez-vous le cabinet secondaire) ?",
        noun: "installation",
        ..BASE
    },
    Field {
        name: "cabinet_ex_nihilo",
        kind: Kind::Bool,
        help: "Cabinet secondaire créé ex nihilo (pas la reprise du cabinet d'un confrère)",
        question: "Le cabinet secondaire est-il une création, et non la reprise du cabinet d'un confrère ?",
        ..BASE
    },
    Field {
        name: "jours_par_semaine",
        kind: Kind::Number {
            min: 0.0,
            max: 7.0,
            min_exclusive: true,
            step: Some(0.5),
        },
        help: "Jours d'activité par semaine dans la zone (par demi-journées : 2.5, 3…)",
        question: "Combien de jours par semaine exercez-vous dans la zone (par demi-journées : 2,5 ; 3…) ?",
        levier: Some(Levier {
            quand: LevierQuand::Toujours,
            phrase: "Avec {valeur} jours par semaine",
        }),
        noun: "jours par semaine",
        ..BASE
    },
    Field {
        name: "exercice_coordonne",
        kind: Kind::List(&["msp", "psla", "cpts", "esp", "cds"]),
        help: "Structures d'exercice coordonné dont vous êtes membre (aucune : liste vide)",
        question: "De quelles structures d'exercice coordonné êtes-vous membre ?",
        labels: &[
            "une MSP (maison de santé pluriprofessionnelle)",
            "un PSLA (pôle de santé libéral ambulatoire)",
            "une CPTS (communauté professionnelle territoriale de santé)",
            "une ESP (équipe de soins primaires)",
            "un centre de santé",
        ],
        levier: Some(Levier {
            quand: LevierQuand::Toujours,
            phrase: "En rejoignant {valeur}",
        }),
        ..BASE
    },
    Field {
        name: "projet_exercice_coordonne",
        kind: Kind::Bool,
        help: "Membre de l'association porteuse d'un projet de santé visant une MSP, un PSLA ou une CPTS sous 2 ans",
        question: "Participez-vous, comme membre de l'association qui le porte, aux travaux d'un projet de santé visant à créer une MSP, un PSLA ou une CPTS dans les 2 ans ?",
        levier: Some(Levier {
            quand: LevierQuand::Toujours,
            phrase: "En participant, comme membre de l'association porteuse, à un projet de MSP, de PSLA ou de CPTS",
        }),
        ..BASE
    },
    Field {
        name: "engagement_exercice_coordonne",
        kind: Kind::Bool,
        help: "Engagement à rejoindre une ESP, une MSP ou une CPTS dans les 2 ans suivant la signature du contrat",
        question: "Vous engagez-vous à rejoindre une ESP, une MSP ou une CPTS dans les 2 ans suivant la signature du contrat ?",
        levier: Some(Levier {
            quand: LevierQuand::Toujours,
            phrase: "En vous engageant à rejoindre une ESP, une MSP ou une CPTS dans les 2 ans",
        }),
        ..BASE
    },
    Field {
        name: "pdsa",
        kind: Kind::Bool,
        help: "Participation à la permanence des soins ambulatoires (gardes)",
        question: "Participez-vous à la permanence des soins ambulatoires (gardes) ?",
        levier: Some(Levier {
            quand: LevierQuand::Toujours,
            phrase: "En participant à la permanence des soins (gardes)",
        }),
        ..BASE
    },
    Field {
        name: "distance_ancien_cabinet_km",
        kind: Kind::Number {
            min: 0.0,
            max: 20_000.0,
            min_exclusive: false,
            step: None,
        },
        help: "Médecin déjà installé : distance entre l'ancien et le nouveau cabinet, en km",
        question: "Vous étiez déjà installé : à quelle distance de l'ancien cabinet est le nouveau, en km ?",
        noun: "distance",
        ..BASE
    },
    Field {
        name: "aide_installation_10_ans",
        kind: Kind::Bool,
        help: "Aide à l'installation reçue au cours des 10 dernières années",
        question: "Avez-vous reçu une aide à l'installation au cours des 10 dernières années (si oui, à quelle date) ?",
        ..BASE
    },
    Field {
        name: "date_derniere_aide",
        kind: Kind::Date,
        help: "Date d'octroi de la dernière aide à l'installation (décision ou dernière signature)",
        question: "À quelle date votre dernière aide à l'installation a-t-elle été accordée ?",
        asked_with: Some("aide_installation_10_ans"),
        noun: "dernière aide",
        ..BASE
    },
    Field {
        name: "date_demande",
        kind: Kind::Date,
        help: "Date de dépôt de la demande (par défaut : la date de référence)",
        question: "À quelle date déposez-vous la demande ?",
        noun: "demande",
        ..BASE
    },
    Field {
        name: "part_honoraires_cliniques",
        kind: PCT,
        help: "Chirurgiens : part des honoraires cliniques hors CCAM dans les honoraires totaux sans dépassement, en %",
        question: "Quelle part de vos honoraires totaux sans dépassement font vos honoraires cliniques hors CCAM, en % ?",
        noun: "part des honoraires cliniques",
        ..BASE
    },
    Field {
        name: "demi_journees_par_mois",
        kind: Kind::Integer { min: 0 },
        help: "Consultations avancées : demi-journées par mois en ZIP",
        question: "Combien de demi-journées par mois consacrez-vous aux consultations avancées en ZIP ?",
        levier: Some(Levier {
            quand: LevierQuand::Toujours,
            phrase: "Avec {valeur} demi-journée(s) par mois en ZIP",
        }),
        noun: "demi-journées par mois",
        ..BASE
    },
    Field {
        name: "part_ambulatoire_pct",
        kind: PCT,
        help: "Assistant partagé : part du temps en consultations ambulatoires, en %",
        question: "Quelle part de votre temps passez-vous en consultations ambulatoires, en % ?",
        noun: "part du temps en ambulatoire",
        ..BASE
    },
    Field {
        name: "structure",
        kind: Kind::Choice(&["esp", "msp", "cds", "cpts"]),
        help: "Avec le projet « structure » : la structure à financer",
        question: "Quelle structure la demande concerne-t-elle ?",
        labels: &[
            "une ESP (équipe de soins primaires)",
            "une MSP (maison de santé pluriprofessionnelle)",
            "un centre de santé",
            "une CPTS (communauté professionnelle territoriale de santé)",
        ],
        ..BASE
    },
    Field {
        name: "projet_sante_valide",
        kind: Kind::Bool,
        help: "Projet de santé de la structure déposé ou validé par l'ARS",
        question: "Le projet de santé de la structure est-il déposé à l'ARS (ou validé par elle) ?",
        ..BASE
    },
    Field {
        name: "equipe_cds",
        kind: Kind::Choice(&["reduite", "pluriprofessionnelle"]),
        help: "Équipe du centre de santé",
        question: "Quelle est l'équipe du centre de santé ?",
        labels: &[
            "réduite (1 généraliste salarié avec 1 auxiliaire médical ou 1 pharmacie)",
            "pluriprofessionnelle (au moins 2 généralistes salariés et 1 auxiliaire médical)",
        ],
        ..BASE
    },
    Field {
        name: "population_cpts",
        kind: Kind::Integer { min: 0 },
        help: "Habitants couverts par la CPTS",
        question: "Combien d'habitants la CPTS couvre-t-elle ?",
        noun: "habitants couverts",
        ..BASE
    },
    Field {
        name: "commune",
        kind: Kind::Commune,
        help: "Commune du cabinet : nom (Orléans, « Saint-Denis (93) ») ou code INSEE (45234)",
        question: "Dans quelle commune est votre cabinet (le cabinet secondaire, pour une demande de cabinet secondaire) ?",
        ..BASE
    },
    Field {
        name: "code_postal",
        kind: Kind::CodePostal,
        help: "Code postal du cabinet (il donne le département)",
        question: "Quel est le code postal de votre cabinet ?",
        asked_with: Some("commune"),
        ..BASE
    },
    Field {
        name: "exercice_groupe",
        kind: Kind::Bool,
        help: "Exercice en groupe (plusieurs médecins partageant le cabinet)",
        question: "Exercez-vous en groupe (plusieurs médecins partageant le cabinet) ?",
        levier: Some(Levier {
            quand: LevierQuand::Toujours,
            phrase: "En exerçant en groupe",
        }),
        ..BASE
    },
    Field {
        name: "caim_deja_signe",
        kind: Kind::Bool,
        help: "CAIM déjà signé (il ne pouvait l'être qu'une fois dans la carrière)",
        question: "Avez-vous déjà signé un CAIM (contrat d'aide à l'installation des médecins) ?",
        ..BASE
    },
];

// Labels, when given, name every value of the domain, in order.
const _: () = {
    let mut i = 0;
    while i < FIELDS.len() {
        let n = FIELDS[i].labels.len();
        match FIELDS[i].kind {
            Kind::Choice(values) | Kind::List(values) => {
                assert!(n == 0 || n == values.len(), "one label per value");
            }
            Kind::IntChoice(values) => assert!(n == 0 || n == values.len(), "one label per value"),
            _ => assert!(n == 0, "labels belong to closed sets"),
        }
        i += 1;
    }
};
