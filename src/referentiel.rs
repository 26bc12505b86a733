//! Reference data: the départements (code, name, region, CPAM), the regions (ARS) and named contacts,
//! read from `rules/referentiel/*.toml`, and the resolution of a rule's contact reference for a profile.
//! Pure: it reads text handed to it and returns data and diagnostics.

use schemars::JsonSchema;
use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::profile::vocabulary::{FieldId, Kind, field_id, unknown_field_help};
use crate::toml_read::{Ctx, Table};

/// A region, by its place in `Referentiel::regions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RegionId(pub u16);

/// A département, by its place in `Referentiel::departements`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct DepartementId(pub u16);

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Region {
    pub slug: String,
    pub nom: String,
    pub ars: String,
    pub url: Option<String>,
    /// The ARS page with the zonage (arrêté and list of communes).
    pub zonage: Option<String>,
    /// The date the zonage page gives of itself or of its arrêté, as it says it.
    pub zonage_date: Option<String>,
    pub email: Option<String>,
    pub telephone: Option<String>,
    pub adresse: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Departement {
    pub code: String,
    pub nom: String,
    /// The article of the name in a sentence (`le`, `la`, `les`, `l'`); empty when it takes none.
    pub article: String,
    pub region: RegionId,
    pub cpam: String,
    pub ameli: Option<String>,
    pub email: Option<String>,
}

/// A contact as shown to the user; keys the rule base does not know are `None` (omitted in JSON).
impl Departement {
    /// The name with its article, as in a sentence: « le Nord », « l'Ain », « la Seine-Maritime »,
    /// « Paris ».
    #[must_use]
    pub fn avec_article(&self) -> String {
        match self.article.as_str() {
            "" => self.nom.clone(),
            "l'" => format!("l'{}", self.nom),
            a => format!("{a} {}", self.nom),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[schemars(description = "Qui contacter.")]
pub struct Contact<'r> {
    #[schemars(description = "L'organisme (« CPAM du Loiret »).")]
    pub organisme: Cow<'r, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(description = "Courriel, quand la base le connaît.")]
    pub email: Option<&'r str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(description = "Téléphone, quand la base le connaît.")]
    pub telephone: Option<&'r str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(description = "Adresse postale, quand la base la connaît.")]
    pub adresse: Option<&'r str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(description = "Page web.")]
    pub url: Option<&'r str>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NamedContact {
    pub key: String,
    pub organisme: String,
    pub email: Option<String>,
    pub telephone: Option<String>,
    pub adresse: Option<String>,
    pub url: Option<String>,
}

/// How a rule names its contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContactRef {
    /// The CPAM of the profile's département.
    Cpam,
    /// The ARS of the rule's region, else of the profile's.
    Ars,
    /// The ARS departmental direction of the profile's département.
    ArsDepartement,
    /// A named contact (index in `Referentiel::contacts`).
    Named(usize),
}

impl ContactRef {
    /// Whether naming this contact needs the practice's place (the CPAM or the ARS delegation of the
    /// département, the ARS of the region when the rule has none).
    #[must_use]
    pub fn needs_place(&self, rule_region: Option<RegionId>) -> bool {
        match self {
            ContactRef::Cpam | ContactRef::ArsDepartement => true,
            ContactRef::Ars => rule_region.is_none(),
            ContactRef::Named(_) => false,
        }
    }
}

/// The words a rule may use for `contact` besides named contacts.
pub const CONTACT_KINDS: &[&str] = &["cpam", "ars", "ars-dd"];

/// A word physicians use for values of a field (`generaliste` for `medecine-generale`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Synonyme {
    pub field: FieldId,
    /// The word, in the form of `fr::cle`.
    pub mot: String,
    /// The values it names (indexes in the field's domain); several make it ambiguous.
    pub valeurs: Vec<u16>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Referentiel {
    pub synonymes: Vec<Synonyme>,
    /// The communes table, read on first use (most commands never need it).
    #[serde(skip)]
    communes: std::sync::OnceLock<crate::communes::Communes>,
    pub regions: Vec<Region>,
    pub departements: Vec<Departement>,
    pub contacts: Vec<NamedContact>,
    /// Département code → index in `departements` (batch mode looks one up per profile); rebuilt, not
    /// stored, by the precompiled rule set (`index_codes`).
    #[serde(skip)]
    pub par_code: std::collections::HashMap<String, DepartementId>,
}

const AMELI: &str = "https://www.ameli.fr";
const ARS_PORTAL: &str = "https://www.ars.sante.fr";

impl Referentiel {
    /// `par_code` made from `departements`, whose codes are unique once read.
    pub(crate) fn index_codes(&mut self) {
        self.par_code = self
            .departements
            .iter()
            .enumerate()
            .filter_map(|(i, d)| Some((d.code.clone(), DepartementId(u16::try_from(i).ok()?))))
            .collect();
    }

    #[must_use]
    pub fn region(&self, id: RegionId) -> &Region {
        &self.regions[usize::from(id.0)]
    }

    #[must_use]
    pub fn departement(&self, id: DepartementId) -> &Departement {
        &self.departements[usize::from(id.0)]
    }

    #[must_use]
    /// A region by its slug, or by its slug or name written another way (case, accents, spaces:
    /// « Occitanie », « Centre Val de Loire »), as every closed set is matched.
    pub fn region_id(&self, slug: &str) -> Option<RegionId> {
        let exact = self.regions.iter().position(|r| r.slug == slug);
        exact
            .or_else(|| {
                let k = crate::fr::cle(slug);
                self.regions
                    .iter()
                    .position(|r| crate::fr::cle(&r.slug) == k || crate::fr::cle(&r.nom) == k)
            })
            .and_then(|i| u16::try_from(i).ok())
            .map(RegionId)
    }

    /// The help for an unknown region: the closest slug, else every slug.
    #[must_use]
    pub fn region_help(&self, slug: &str) -> String {
        let slugs = self.regions.iter().map(|r| r.slug.as_str());
        did_you_mean(slug, slugs.clone())
            .unwrap_or_else(|| format!("régions : {}", slugs.collect::<Vec<_>>().join(", ")))
    }

    /// The communes (the embedded table, indexed on first use).
    #[must_use]
    pub fn communes(&self) -> &crate::communes::Communes {
        self.communes
            .get_or_init(|| crate::communes::Communes::parse(crate::communes::TABLE))
    }

    /// The values a word names for a field, if the synonyms table knows it.
    #[must_use]
    pub fn synonyme(&self, field: FieldId, mot: &str) -> Option<&[u16]> {
        self.synonymes
            .iter()
            .find(|s| s.field == field && s.mot == mot)
            .map(|s| s.valeurs.as_slice())
    }

    /// Every word of the synonyms table for a field.
    pub fn synonymes_of(&self, field: FieldId) -> impl Iterator<Item = &str> {
        self.synonymes
            .iter()
            .filter(move |s| s.field == field)
            .map(|s| s.mot.as_str())
    }

    /// Accepts `45`, `2a`, and `5` for `05`.
    #[must_use]
    pub fn departement_id(&self, code: &str) -> Option<DepartementId> {
        if let Some(i) = self.par_code.get(code) {
            return Some(*i);
        }
        let code = code.trim().to_uppercase();
        let code = if code.len() == 1 {
            format!("0{code}")
        } else {
            code
        };
        if let Some(i) = self.par_code.get(&code) {
            return Some(*i);
        }
        // By name: « Loiret », « cotes d'armor ».
        let key = crate::fr::cle(&code);
        self.departements
            .iter()
            .position(|d| crate::fr::cle(&d.nom) == key)
            .and_then(|i| u16::try_from(i).ok())
            .map(DepartementId)
    }

    /// Resolves a contact reference from the rule's region and the profile's département and region.
    #[must_use]
    pub fn contact(
        &self,
        reference: &ContactRef,
        rule_region: Option<RegionId>,
        departement: Option<DepartementId>,
        region: Option<RegionId>,
    ) -> Contact<'_> {
        let dep = departement.map(|d| self.departement(d));
        match reference {
            ContactRef::Cpam => match dep {
                Some(d) => Contact {
                    organisme: Cow::Borrowed(&d.cpam),
                    email: d.email.as_deref(),
                    url: d.ameli.as_deref(),
                    ..Contact::default()
                },
                None => Contact {
                    organisme: Cow::Borrowed(
                        "CPAM de votre département d'exercice (précisez --commune)",
                    ),
                    url: Some(AMELI),
                    ..Contact::default()
                },
            },
            ContactRef::Ars => match rule_region.or(region).or(dep.map(|d| d.region)) {
                Some(r) => {
                    let r = self.region(r);
                    Contact {
                        organisme: Cow::Borrowed(&r.ars),
                        email: r.email.as_deref(),
                        telephone: r.telephone.as_deref(),
                        adresse: r.adresse.as_deref(),
                        url: r.url.as_deref(),
                    }
                }
                None => Contact {
                    organisme: Cow::Borrowed("ARS de votre région (précisez --commune)"),
                    url: Some(ARS_PORTAL),
                    ..Contact::default()
                },
            },
            ContactRef::ArsDepartement => {
                let r = rule_region.or(region).or(dep.map(|d| d.region));
                let ars = r.map_or("l'ARS de votre région".to_owned(), |r| {
                    let name = &self.region(r).ars;
                    name.strip_prefix("ARS ")
                        .map_or_else(|| name.clone(), |rest| format!("l'ARS {rest}"))
                });
                let url = r.map_or(Some(ARS_PORTAL), |r| self.region(r).url.as_deref());
                // A département of another region than the rule's is not served by this ARS.
                let dep = dep.filter(|d| r.is_none_or(|r| d.region == r));
                let organisme = match dep {
                    Some(d) => format!("Direction départementale de {ars} ({}, {})", d.nom, d.code),
                    None => format!(
                        "Direction départementale de {ars} de votre département d'exercice (précisez --commune)"
                    ),
                };
                Contact {
                    organisme: Cow::Owned(organisme),
                    url,
                    ..Contact::default()
                }
            }
            ContactRef::Named(i) => {
                let c = &self.contacts[*i];
                Contact {
                    organisme: Cow::Borrowed(&c.organisme),
                    email: c.email.as_deref(),
                    telephone: c.telephone.as_deref(),
                    adresse: c.adresse.as_deref(),
                    url: c.url.as_deref(),
                }
            }
        }
    }

    /// Parses a contact reference, suggesting the closest known one.
    ///
    /// # Errors
    /// The message and help line of an `unknown-contact` diagnostic.
    pub fn contact_ref(&self, text: &str) -> Result<ContactRef, (String, String)> {
        match text {
            "cpam" => return Ok(ContactRef::Cpam),
            "ars" => return Ok(ContactRef::Ars),
            "ars-dd" => return Ok(ContactRef::ArsDepartement),
            _ => {}
        }
        if let Some(i) = self.contacts.iter().position(|c| c.key == text) {
            return Ok(ContactRef::Named(i));
        }
        let names = CONTACT_KINDS
            .iter()
            .copied()
            .chain(self.contacts.iter().map(|c| c.key.as_str()));
        let all: Vec<&str> = names.clone().collect();
        Err((
            format!("contact « {text} » inconnu"),
            did_you_mean(text, names).unwrap_or_else(|| {
                format!(
                    "références acceptées : {} (contacts nommés : rules/referentiel/contacts.toml)",
                    all.join(", ")
                )
            }),
        ))
    }
}

fn opt(t: &Table<'_, '_>, ctx: &mut Ctx<'_>, key: &'static str) -> Option<String> {
    t.str(ctx, key).map(|(s, _)| s.to_owned())
}

/// Parses a reference file and hands its top table to `read`, then reports its unknown keys.
fn read_file(
    ctx: &mut Ctx<'_>,
    text: &str,
    what: &str,
    read: impl FnOnce(&mut Ctx<'_>, &Table<'_, '_>),
) {
    let doc = match crate::toml_read::parse(ctx.file, text) {
        Ok(doc) => doc,
        Err(d) => return ctx.diags.push(d),
    };
    let top = Table::new(doc.get_ref(), doc.span(), what);
    read(ctx, &top);
    top.finish(ctx);
}

/// Reads `regions.toml`.
pub fn read_regions(ctx: &mut Ctx<'_>, text: &str, out: &mut Referentiel) {
    read_file(ctx, text, "le fichier des régions", |ctx, top| {
        // The keys (`fr::cle`) of each region's slug and name, made once: a region is a duplicate
        // when `region_id` finds its slug among those already read.
        let mut cles: Vec<(String, String)> = out
            .regions
            .iter()
            .map(|r| (crate::fr::cle(&r.slug), crate::fr::cle(&r.nom)))
            .collect();
        for (t, span) in top.tables(ctx, "region") {
            let t = Table::new(t, span, "une région");
            let slug = t.req_str(ctx, "slug");
            let nom = t.req_str(ctx, "nom");
            let ars = t.req_str(ctx, "ars");
            let region = (slug, nom, ars);
            let url = opt(&t, ctx, "url");
            let zonage = opt(&t, ctx, "zonage");
            let zonage_date = opt(&t, ctx, "zonage_date");
            let email = opt(&t, ctx, "email");
            let telephone = opt(&t, ctx, "telephone");
            let adresse = opt(&t, ctx, "adresse");
            t.finish(ctx);
            let (Some((slug, slug_span)), Some((nom, _)), Some((ars, _))) = region else {
                continue;
            };
            let cle = crate::fr::cle(slug);
            if out.regions.iter().any(|r| r.slug == slug)
                || cles.iter().any(|(s, n)| *s == cle || *n == cle)
            {
                ctx.error(
                    Code::DuplicateId,
                    slug_span,
                    format!("région « {slug} » déjà définie"),
                    None,
                );
                continue;
            }
            cles.push((cle, crate::fr::cle(nom)));
            out.regions.push(Region {
                slug: slug.to_owned(),
                nom: nom.to_owned(),
                ars: ars.to_owned(),
                url,
                zonage,
                zonage_date,
                email,
                telephone,
                adresse,
            });
        }
    });
}

/// Reads `departements.toml` (after the regions).
pub fn read_departements(ctx: &mut Ctx<'_>, text: &str, out: &mut Referentiel) {
    read_file(ctx, text, "le fichier des départements", |ctx, top| {
        for (t, span) in top.tables(ctx, "departement") {
            let t = Table::new(t, span, "un département");
            let code = t.req_str(ctx, "code");
            let nom = t.req_str(ctx, "nom");
            let article = match t.str(ctx, "article") {
                None => String::new(),
                Some((a @ ("le" | "la" | "les" | "l'"), _)) => a.to_owned(),
                Some((other, span)) => {
                    ctx.error(
                        Code::ValueOutOfDomain,
                        span,
                        format!("article « {} » inconnu", crate::text::visible(other)),
                        Some(
                            "\"le\", \"la\", \"les\" ou \"l'\" ; sans article : omettez la clé"
                                .into(),
                        ),
                    );
                    String::new()
                }
            };
            let region = t.req_str(ctx, "region");
            let cpam = t.req_str(ctx, "cpam");
            let ameli = opt(&t, ctx, "ameli");
            let email = opt(&t, ctx, "email");
            t.finish(ctx);
            let (
                Some((code, code_span)),
                Some((nom, _)),
                Some((region, region_span)),
                Some((cpam, _)),
            ) = (code, nom, region, cpam)
            else {
                continue;
            };
            let Some(region_id) = out.region_id(region) else {
                let help = Some(out.region_help(region));
                ctx.error(
                    Code::ValueOutOfDomain,
                    region_span,
                    format!("région « {region} » inconnue"),
                    help,
                );
                continue;
            };
            if out.par_code.contains_key(code) {
                ctx.error(
                    Code::DuplicateId,
                    code_span,
                    format!("département « {code} » déjà défini"),
                    None,
                );
                continue;
            }
            let Ok(i) = u16::try_from(out.departements.len()) else {
                continue;
            };
            out.par_code.insert(code.to_owned(), DepartementId(i));
            out.departements.push(Departement {
                code: code.to_owned(),
                nom: nom.to_owned(),
                article,
                region: region_id,
                cpam: cpam.to_owned(),
                ameli,
                email,
            });
        }
    });
}

/// Reads `contacts.toml`.
pub fn read_contacts(ctx: &mut Ctx<'_>, text: &str, out: &mut Referentiel) {
    read_file(ctx, text, "le fichier des contacts", |ctx, top| {
        let Some(val) = top.get("contact") else {
            return;
        };
        // Contact keys are free names: each is read as a contact.
        let toml::de::DeValue::Table(contacts) = val.get_ref() else {
            return ctx.type_mismatch("contact", val, "une table");
        };
        for (key, val) in contacts {
            let Some(t) = Table::of(ctx, key.get_ref(), val, "un contact") else {
                continue;
            };
            let organisme = t.req_str(ctx, "organisme");
            let email = opt(&t, ctx, "email");
            let telephone = opt(&t, ctx, "telephone");
            let adresse = opt(&t, ctx, "adresse");
            let url = opt(&t, ctx, "url");
            t.finish(ctx);
            let Some((organisme, _)) = organisme else {
                continue;
            };
            out.contacts.push(NamedContact {
                key: key.get_ref().to_string(),
                organisme: organisme.to_owned(),
                email,
                telephone,
                adresse,
                url,
            });
        }
    });
}

/// Reads `synonymes.toml`: per field, the words physicians use and the value(s) they name.
pub fn read_synonymes(ctx: &mut Ctx<'_>, text: &str, out: &mut Referentiel) {
    let doc = match crate::toml_read::parse(ctx.file, text) {
        Ok(doc) => doc,
        Err(d) => return ctx.diags.push(d),
    };
    // Field names are the keys: each is checked against the vocabulary.
    for (name, val) in doc.get_ref() {
        let Some(field) = field_id(name.get_ref()) else {
            ctx.error(
                Code::UnknownField,
                name.span(),
                format!("champ « {} » inconnu du profil", name.get_ref()),
                Some(unknown_field_help(name.get_ref())),
            );
            continue;
        };
        let Kind::Choice(domain) = field.def().kind else {
            ctx.error(
                Code::TypeMismatch,
                name.span(),
                format!(
                    "« {} » n'a pas de valeurs fixées : pas de synonymes",
                    field.name()
                ),
                Some(
                    "les synonymes valent pour les champs à valeurs fixées (specialite, zone…)"
                        .into(),
                ),
            );
            continue;
        };
        let toml::de::DeValue::Table(words) = val.get_ref() else {
            ctx.type_mismatch(name.get_ref(), val, "une table mot = \"valeur\"");
            continue;
        };
        for (mot, v) in words {
            let items: Vec<&crate::toml_read::Val<'_>> = match v.get_ref() {
                toml::de::DeValue::String(_) => vec![v],
                toml::de::DeValue::Array(items) => items.iter().collect(),
                _ => {
                    ctx.type_mismatch(mot.get_ref(), v, "une valeur ou une liste de valeurs");
                    continue;
                }
            };
            let mut valeurs = Vec::new();
            for item in items {
                let known = item
                    .get_ref()
                    .as_str()
                    .and_then(|s| domain.iter().position(|d| *d == s))
                    .and_then(|i| u16::try_from(i).ok());
                match known {
                    Some(i) => valeurs.push(i),
                    None => ctx.error(
                        Code::ValueOutOfDomain,
                        item.span(),
                        format!("valeur inconnue pour « {} »", field.name()),
                        crate::diagnostic::did_you_mean(
                            item.get_ref().as_str().unwrap_or(""),
                            domain.iter().copied(),
                        ),
                    ),
                }
            }
            out.synonymes.push(Synonyme {
                field,
                mot: crate::fr::cle(mot.get_ref()),
                valeurs,
            });
        }
    }
}

/// How many départements (or regions) a `dans` / `hors` condition can tell apart: its `u128` mask.
pub const MAX_DOMAIN: usize = 128;

/// Checks that the reference data is complete enough to resolve profiles, and small enough for the
/// condition masks.
pub fn check(refs: &Referentiel, file: &str, diags: &mut Vec<Diagnostic>) {
    if refs.departements.len() > MAX_DOMAIN || refs.regions.len() > MAX_DOMAIN {
        diags.push(
            Diagnostic::error(
                Code::ValueOutOfDomain,
                file,
                None,
                format!(
                    "données de référence trop grandes : {} départements, {} régions, au plus {MAX_DOMAIN} de chaque",
                    refs.departements.len(),
                    refs.regions.len()
                ),
            )
            .with_help("les conditions « dans » et « hors » comptent au plus 128 valeurs par champ"),
        );
    }
    if refs.regions.is_empty() || refs.departements.is_empty() {
        diags.push(
            Diagnostic::error(
                Code::MissingKey,
                file,
                None,
                "données de référence incomplètes : aucune région ou aucun département".into(),
            )
            .with_help("rules/referentiel/ doit contenir regions.toml et departements.toml"),
        );
    }
}
