//! The command-line interface (clap derive) and nothing else. The profile flags are generated from the
//! profile vocabulary (`profile::FIELDS`), so that adding a field adds its flag; `app` turns these
//! structs into a `Profile` and options.

use std::path::PathBuf;

use chrono::NaiveDate;
use std::ffi::OsStr;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::{Arg, ArgAction, ArgMatches, Args, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::profile::{FIELDS, FieldId, Kind, parse_date_typed};

pub const EXIT_CODES: &str = "Codes de sortie : 0 la commande a abouti (quel que soit le résultat), \
1 entrée ou règles invalides, 2 erreur d'utilisation.";

const CHECK_SHORT_AFTER: &str = "Les 19 autres champs du profil et les valeurs : aides check --help. \
Codes de sortie : 0 réussite, 1 entrée ou règles invalides, 2 erreur d'utilisation.";

const TEMPLATE: &str = "{about-with-newline}\nUtilisation\u{a0}: {usage}\n\n{all-args}{after-help}";

/// Les aides à l'installation des médecins : lesquelles, combien, à quelles conditions, avant quand,
/// et qui contacter (CPAM ou ARS).
#[derive(Debug, Parser)]
#[command(
    name = "aides",
    version,
    after_help = EXIT_CODES,
    max_term_width = 100,
    help_template = TEMPLATE,
    subcommand_help_heading = "Commandes\u{a0}",
    next_help_heading = "Options\u{a0}",
    subcommand_value_name = "COMMANDE",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true
)]
pub struct Cli {
    /// Sans commande, sur un terminal : le questionnaire guidé (`aides guide`)
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Couleurs : auto (sur un terminal, sans `NO_COLOR`), always ou never
    ///
    /// auto (par défaut) : des couleurs quand la sortie est un terminal et que `NO_COLOR` n'est pas
    /// définie ; always : toujours ; never : jamais.
    #[arg(long, value_enum, global = true, default_value_t = Color::Auto, value_name = "QUAND", hide_possible_values = true, hide_default_value = true, help_heading = "Affichage\u{a0}")]
    pub color: Color,

    /// Rien sur la sortie d'erreur que les erreurs : ni progression, ni résumé, ni avertissement
    ///
    /// Pour check : ni la progression d'un long lot, ni son résumé final, ni les avertissements ; les
    /// profils illisibles restent signalés. Pour validate : seules les erreurs, rien sur des règles
    /// valides.
    #[arg(short = 'q', long, global = true, help_heading = "Affichage\u{a0}")]
    pub quiet: bool,

    /// Affiche l'aide
    #[arg(short = 'h', long, action = ArgAction::Help, global = true, help_heading = "Aide\u{a0}")]
    help: Option<bool>,

    /// Affiche la version, l'empreinte de la base de règles et sa date de vérification
    #[arg(short = 'V', long)]
    pub version: bool,
}

/// When to colour the human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Color {
    /// Sur un terminal, sans `NO_COLOR`
    #[default]
    Auto,
    /// Toujours
    Always,
    /// Jamais
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Évalue un profil (options ou JSON) ou un lot de profils (tableau JSON, NDJSON)
    ///
    /// Chaque champ du profil est facultatif : un champ absent est inconnu, pas faux. Les aides dont une
    /// condition dépend d'un champ inconnu sont « à confirmer », avec les questions qui les décideraient.
    #[command(
        after_help = CHECK_SHORT_AFTER,
        after_long_help = EXIT_CODES,
        help_template = TEMPLATE,
        next_help_heading = "Options\u{a0}",
        disable_help_flag = true
    )]
    Check(CheckArgs),
    /// Pose les questions une à une, dans un terminal, puis donne la réponse et la commande check
    ///
    /// Les questions en français, dans l'ordre qui décide le plus d'aides ; chacune se répond en tapant
    /// la valeur ou son libellé (ou avec les flèches quand une liste est proposée) ; « ? » : je ne sais
    /// pas ; Échap : arrêter et voir la réponse. `aides` sans commande, dans un terminal, le lance aussi.
    #[command(after_help = EXIT_CODES, help_template = TEMPLATE,
        next_help_heading = "Options\u{a0}", disable_help_flag = true)]
    Guide(GuideArgs),
    /// Liste les aides de la base : id, nom, financeur, montant, période, région
    #[command(after_help = EXIT_CODES, help_template = TEMPLATE,
        next_help_heading = "Options\u{a0}", disable_help_flag = true)]
    List(ListArgs),
    /// Montre une aide en entier : conditions, montant, versements, engagements, contact, sources
    #[command(after_help = EXIT_CODES, help_template = TEMPLATE,
        next_help_heading = "Options\u{a0}", disable_help_flag = true)]
    Show(ShowArgs),
    /// Explique une aide pour un profil : chaque condition, ce qu'elle a lu et calculé, le montant
    ///
    /// Les mêmes options de profil que check (ou --input pour un profil JSON) ; pour chaque condition,
    /// les valeurs lues, les dates et les seuils calculés (date limite d'une demande, fin du délai de
    /// dix ans), le calcul du montant, et ce qui changerait la réponse.
    #[command(
        after_help = CHECK_SHORT_AFTER,
        after_long_help = EXIT_CODES,
        help_template = TEMPLATE,
        next_help_heading = "Options\u{a0}",
        disable_help_flag = true
    )]
    Explain(ExplainArgs),
    /// Vérifie des fichiers de règles et exécute leurs exemples (pour la CI)
    ///
    /// Sans chemin : vérifie la base de règles en usage (intégrée, ou --rules / `AIDES_RULES`). Sort en
    /// erreur (code 1) au moindre problème de gravité « erreur ».
    #[command(after_help = EXIT_CODES, help_template = TEMPLATE,
        next_help_heading = "Options\u{a0}", disable_help_flag = true)]
    Validate(ValidateArgs),
    /// Le schéma JSON (draft 2020-12) du profil, de la réponse json ou d'une ligne ndjson
    ///
    /// profil : un profil de --input ; rapport : la réponse de check --format json ; compact : une ligne
    /// de check --format ndjson. Les mêmes schémas sont dans le dossier schemas/ du projet.
    #[command(after_help = EXIT_CODES, help_template = TEMPLATE,
        next_help_heading = "Options\u{a0}", disable_help_flag = true)]
    Schema(SchemaArgs),
    /// Le script de complétion des commandes et des valeurs pour un shell
    ///
    /// Par exemple : aides completions bash > ~/.local/share/bash-completion/completions/aides
    #[command(after_help = EXIT_CODES, help_template = TEMPLATE,
        next_help_heading = "Options\u{a0}", disable_help_flag = true)]
    Completions(CompletionsArgs),
    /// La page de manuel (roff) de l'outil ou d'une commande : aides man check | man -l -
    ///
    /// Sans commande : la page d'aides(1) ; avec une commande : sa page, aides-check(1)… Avec --dir :
    /// toutes les pages, écrites comme fichiers aides.1, aides-check.1… dans le dossier donné (pour
    /// un paquet : --dir /usr/share/man/man1).
    #[command(after_help = EXIT_CODES, help_template = TEMPLATE,
        next_help_heading = "Options\u{a0}", disable_help_flag = true)]
    Man(ManArgs),
    /// La page web et l'API HTTP : les mêmes réponses, dans un navigateur ou pour un logiciel
    ///
    /// Écoute sur 127.0.0.1:8080 (--listen pour une autre adresse) ; une ligne par requête sur la
    /// sortie d'erreur (méthode, chemin sans la requête, statut, durée ; jamais un profil) ; Ctrl-C
    /// arrête après les requêtes en cours (10 s au plus).
    #[command(after_help = EXIT_CODES, help_template = TEMPLATE,
        next_help_heading = "Options\u{a0}", disable_help_flag = true)]
    Serve(ServeArgs),
    /// L'aide d'une commande (aides help check), ou la liste des commandes
    #[command(after_help = EXIT_CODES, help_template = TEMPLATE,
        next_help_heading = "Options\u{a0}", disable_help_flag = true)]
    Help(HelpArgs),
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// profil, rapport ou compact
    #[arg(
        value_enum,
        value_name = "SCHÉMA",
        hide_possible_values = true,
        help_heading = "Arguments\u{a0}"
    )]
    pub nom: SchemaNom,

    /// Pour profil : la forme canonique seule (les valeurs comme l'outil les écrit), au lieu de tout
    /// ce que l'outil accepte (casse, accents, synonymes comme generaliste)
    #[arg(long)]
    pub canonique: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaNom {
    /// Un profil de --input
    Profil,
    /// La réponse de check --format json
    Rapport,
    /// Une ligne de check --format ndjson
    Compact,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// La commande dont afficher la page (check, show…) ; sans elle, la page d'aides(1)
    #[arg(value_name = "COMMANDE", help_heading = "Arguments\u{a0}")]
    pub commande: Option<String>,

    /// Écrit toutes les pages (aides.1, aides-check.1…) dans ce dossier au lieu d'afficher une page
    #[arg(long, value_name = "DOSSIER", conflicts_with = "commande")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, elvish ou powershell
    #[arg(
        value_enum,
        value_name = "SHELL",
        hide_possible_values = true,
        help_heading = "Arguments\u{a0}"
    )]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct HelpArgs {
    /// La commande dont afficher l'aide
    #[arg(value_name = "COMMANDE", help_heading = "Arguments\u{a0}")]
    pub commande: Option<String>,
}

/// Where the rules come from.
#[derive(Debug, Clone, Default, Args)]
pub struct RulesArg {
    /// Dossier de règles à utiliser à la place des règles intégrées
    ///
    /// Le dossier racine des règles (national/, regions/, abrogees/, et referentiel/ facultatif) ; il
    /// passe par les mêmes vérifications que les règles intégrées.
    #[arg(
        id = "rules",
        long = "rules",
        env = "AIDES_RULES",
        value_name = "DOSSIER",
        help_heading = "Règles\u{a0}",
        hide_short_help = true
    )]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// La réponse en français (aussi : text)
    #[value(alias = "text")]
    Table,
    /// Un objet JSON (un tableau d'objets pour plusieurs profils)
    Json,
    /// Un objet JSON compact par profil et par ligne
    Ndjson,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// En français (aussi : text)
    #[value(alias = "text")]
    Table,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ValidateFormat {
    /// Comme un compilateur : erreur[code], --> fichier:ligne:colonne, la ligne, = aide (aussi : table)
    #[value(alias = "table")]
    Text,
    /// Un objet JSON par diagnostic et par ligne
    Json,
    /// Annotations GitHub Actions (`::error` `file=…,line=…,col=…::`…)
    Github,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub profil: ProfileArgs,

    /// Profil(s) JSON à lire (« - » : l'entrée standard)
    ///
    /// Un objet JSON, un tableau d'objets, ou du NDJSON (un objet par ligne) ; « - » pour l'entrée
    /// standard. Les options du profil données avec --input remplacent le même champ de chaque profil.
    #[arg(long, value_name = "FICHIER|-", help_heading = "Entrée/sortie\u{a0}")]
    pub input: Option<PathBuf>,

    /// Format : table (par défaut), json ou ndjson
    ///
    /// table : la réponse en français ; json : un objet (un tableau pour plusieurs profils) ; ndjson :
    /// un objet compact par profil et par ligne.
    #[arg(long, value_enum, default_value_t = CheckFormat::Table, hide_possible_values = true, hide_default_value = true, help_heading = "Entrée/sortie\u{a0}")]
    pub format: CheckFormat,

    /// Date de référence (par défaut : aujourd'hui)
    ///
    /// La date à laquelle les conditions sont évaluées : JJ/MM/AAAA ou AAAA-MM-JJ. Par défaut :
    /// aujourd'hui.
    #[arg(long, value_parser = date_arg, value_name = "DATE", help_heading = "Entrée/sortie\u{a0}")]
    pub date: Option<NaiveDate>,

    /// Aussi les aides non éligibles, et pourquoi
    #[arg(long, help_heading = "Entrée/sortie\u{a0}")]
    pub all: bool,

    /// Notes et conditions en détail (ndjson : toutes les clés)
    #[arg(long, help_heading = "Entrée/sortie\u{a0}")]
    pub detail: bool,

    /// Lot json ou ndjson : nombre de fils de calcul (par défaut : les cœurs disponibles)
    ///
    /// Les profils d'un lot sont lus par blocs de lignes et évalués en parallèle. La sortie garde
    /// l'ordre de l'entrée, octet pour octet, quel que soit ce nombre. Avec 1, tout se fait dans un
    /// seul fil.
    #[arg(
        short = 'j',
        long,
        value_name = "N",
        help_heading = "Entrée/sortie\u{a0}",
        hide_short_help = true
    )]
    pub jobs: Option<std::num::NonZeroUsize>,

    #[command(flatten)]
    pub rules: RulesArg,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// N'afficher que les aides qui s'appliquent dans cette région (nationales et régionales)
    #[arg(long, value_name = "RÉGION")]
    pub region: Option<String>,

    /// Format de sortie : table ou json
    #[arg(long, value_enum, default_value_t = ListFormat::Table, hide_possible_values = true, hide_default_value = true)]
    pub format: ListFormat,

    #[command(flatten)]
    pub rules: RulesArg,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Identifiant de l'aide (voir `aides list`)
    #[arg(help_heading = "Arguments\u{a0}")]
    pub id: String,

    /// Format de sortie : table (texte) ou json
    #[arg(long, value_enum, default_value_t = ListFormat::Table, hide_possible_values = true, hide_default_value = true)]
    pub format: ListFormat,

    #[command(flatten)]
    pub rules: RulesArg,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Identifiant de l'aide (voir `aides list`)
    #[arg(id = "aide", value_name = "AIDE", help_heading = "Arguments\u{a0}")]
    pub id: String,

    #[command(flatten)]
    pub profil: ProfileArgs,

    /// Un profil JSON à lire (« - » : l'entrée standard)
    #[arg(long, value_name = "FICHIER|-", help_heading = "Entrée/sortie\u{a0}")]
    pub input: Option<PathBuf>,

    /// Format : table (par défaut) ou json
    #[arg(long, value_enum, default_value_t = ListFormat::Table, hide_possible_values = true, hide_default_value = true, help_heading = "Entrée/sortie\u{a0}")]
    pub format: ListFormat,

    /// Date de référence (par défaut : aujourd'hui)
    #[arg(long, value_parser = date_arg, value_name = "DATE", help_heading = "Entrée/sortie\u{a0}")]
    pub date: Option<NaiveDate>,

    #[command(flatten)]
    pub rules: RulesArg,
}

#[derive(Debug, Args, Default)]
pub struct GuideArgs {
    /// Date de référence (par défaut : aujourd'hui)
    #[arg(long, value_parser = date_arg, value_name = "DATE")]
    pub date: Option<NaiveDate>,

    #[command(flatten)]
    pub rules: RulesArg,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// L'adresse où écouter (127.0.0.1:8080 par défaut ; port 0 : un port libre)
    #[arg(long, value_name = "ADRESSE:PORT", default_value = "127.0.0.1:8080")]
    pub listen: String,

    /// Date de référence des réponses (JJ/MM/AAAA ; par défaut : aujourd'hui, à chaque requête)
    #[arg(long, value_parser = date_arg, value_name = "DATE")]
    pub date: Option<NaiveDate>,

    #[command(flatten)]
    pub rules: RulesArg,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Dossiers ou fichiers de règles (par défaut : la base en usage)
    #[arg(value_name = "CHEMIN", help_heading = "Arguments\u{a0}")]
    pub paths: Vec<PathBuf>,

    /// Format : text (comme un compilateur), json (un objet par diagnostic et par ligne) ou github
    /// (annotations GitHub Actions)
    #[arg(long, value_enum, default_value_t = ValidateFormat::Text, hide_possible_values = true, hide_default_value = true)]
    pub format: ValidateFormat,

    /// Erreur stale-rule pour toute règle vérifiée il y a plus de JOURS jours (`verifie_le`)
    #[arg(long, value_name = "JOURS")]
    pub max_age: Option<u32>,

    /// Montre, par aide, les conditions que les exemples rendent vraies et fausses
    #[arg(long)]
    pub coverage: bool,

    /// Date du jour pour --max-age (par défaut : aujourd'hui)
    #[arg(long, value_parser = date_arg, value_name = "AAAA-MM-JJ", hide = true)]
    pub today: Option<NaiveDate>,

    #[command(flatten)]
    pub rules: RulesArg,
}

fn date_arg(s: &str) -> Result<NaiveDate, String> {
    parse_date_typed(s).map_err(|(message, help)| format!("{message} ({help})"))
}

/// The profile flags, one per vocabulary field, as the raw text given (checked by `app`).
#[derive(Debug, Clone, Default)]
pub struct ProfileArgs {
    pub values: Vec<(FieldId, String)>,
}

/// The values a profile flag accepts, as written: every text is taken (synonyms, other spellings,
/// `JJ/MM/AAAA`) and checked by the vocabulary, which explains in French; the domain is still offered to
/// shell completions.
#[derive(Debug, Clone)]
struct Domain(&'static [&'static str]);

impl TypedValueParser for Domain {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _arg: Option<&Arg>,
        value: &OsStr,
    ) -> Result<String, clap::Error> {
        value
            .to_str()
            .map(str::to_owned)
            .ok_or_else(|| clap::Error::new(clap::error::ErrorKind::InvalidUtf8).with_cmd(cmd))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        if self.0.is_empty() {
            return None;
        }
        Some(Box::new(self.0.iter().map(|v| PossibleValue::new(*v))))
    }
}

/// The fields a physician gives most; the others are in `--help` only, so that `-h` fits a screen.
const SHORT_HELP: &[&str] = &[
    "departement",
    "zone",
    "qpv",
    "exercice",
    "specialite",
    "secteur",
    "optam",
    "projet",
    "primo_installation",
    "date_installation",
    "aide_installation_10_ans",
];

fn field_arg(id: FieldId) -> Arg {
    let f = id.def();
    let mut long = f.help.to_owned();
    let arg = Arg::new(f.name)
        .long(id.flag())
        .help_heading("Profil\u{a0}")
        .action(ArgAction::Set)
        .hide_short_help(!SHORT_HELP.contains(&f.name))
        .hide_possible_values(true);
    let arg = match f.kind {
        Kind::Bool => arg
            .num_args(0..=1)
            .require_equals(true)
            .default_missing_value("oui")
            .value_name("oui|non")
            .value_parser(Domain(&["oui", "non"])),
        Kind::Choice(values) => {
            if values.len() > 3 {
                long.push_str(&format!(" ; valeurs : {}", values.join(", ")));
            }
            if f.name == "specialite" {
                long.push_str(
                    " ; les mots courants (generaliste, cardiologue, pediatre…) sont acceptés",
                );
            }
            let name = if values.len() > 3 {
                f.name.to_uppercase()
            } else {
                values.join("|")
            };
            arg.value_parser(Domain(values)).value_name(name)
        }
        Kind::IntChoice(_) => arg.value_parser(Domain(&["1", "2"])).value_name("1|2"),
        Kind::Date => arg.value_name("JJ/MM/AAAA").value_parser(Domain(&[])),
        Kind::Number { .. } | Kind::Integer { .. } => arg.value_name("N").value_parser(Domain(&[])),
        Kind::List(values) => {
            long.push_str(&format!(" ; valeurs : {}, ou aucun", values.join(", ")));
            arg.value_name("LISTE").value_parser(Domain(values))
        }
        Kind::Departement | Kind::CodePostal => arg.value_name("CODE").value_parser(Domain(&[])),
        Kind::Commune => arg.value_name("COMMUNE").value_parser(Domain(&[])),
        Kind::Region => arg.value_name("RÉGION").value_parser(Domain(&[])),
        Kind::Text => arg.value_name("TEXTE").value_parser(Domain(&[])),
    };
    arg.help(f.help).long_help(long)
}

fn all_fields() -> impl Iterator<Item = FieldId> {
    (0..FIELDS.len())
        .filter_map(|i| u8::try_from(i).ok())
        .map(FieldId)
}

impl FromArgMatches for ProfileArgs {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        let mut out = ProfileArgs::default();
        out.update_from_arg_matches(m)?;
        Ok(out)
    }

    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        for id in all_fields() {
            if let Some(v) = m.get_one::<String>(id.name()) {
                self.values.retain(|(f, _)| *f != id);
                self.values.push((id, v.clone()));
            }
        }
        Ok(())
    }
}

impl Args for ProfileArgs {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        all_fields().fold(cmd, |cmd, id| cmd.arg(field_arg(id)))
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

/// The subcommands, for messages.
pub const COMMANDES: &[&str] = &[
    "check",
    "guide",
    "explain",
    "list",
    "show",
    "validate",
    "schema",
    "completions",
    "man",
    "serve",
    "help",
];

/// A usage error in French (clap writes English), keeping clap's context: the flag, the value, the
/// accepted values and the closest one.
#[must_use]
pub fn french_error(e: &clap::Error, args: &[std::ffi::OsString]) -> String {
    usage_error(e, args).map_or_else(|| e.render().to_string(), |u| u.to_string())
}

/// A command-line usage error as data: what is wrong, the accepted values, what to type instead, and
/// whether to list the commands; rendered once, by `Display`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError {
    pub message: String,
    /// The values the option accepts.
    pub accepted: Option<String>,
    pub suggestion: Option<String>,
    /// The commands are listed (after a mistyped one).
    pub commands: bool,
}

impl UsageError {
    fn new(message: String) -> Self {
        UsageError {
            message,
            accepted: None,
            suggestion: None,
            commands: false,
        }
    }

    fn did_you_mean(self, closest: Option<String>) -> Self {
        UsageError {
            suggestion: closest.map(|s| format!("vouliez-vous dire « {s} » ?")),
            ..self
        }
    }
}

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "erreur : {}", self.message)?;
        if let Some(accepted) = &self.accepted {
            write!(f, "\n  valeurs acceptées : {accepted}")?;
        }
        if let Some(suggestion) = &self.suggestion {
            write!(f, "\n  aide : {suggestion}")?;
        }
        if self.commands {
            write!(f, "\n  commandes : {}", COMMANDES.join(", "))?;
        }
        write!(f, "\n\nPour plus d'informations : aides --help")
    }
}

/// For a stray `oui`/`non`, how to write the yes/no flag typed just before it.
fn yes_no_help(arg: &str, args: &[std::ffi::OsString]) -> Option<String> {
    crate::profile::parse_oui_non(arg)?;
    let before = args
        .iter()
        .position(|a| a.to_str() == Some(arg))
        .and_then(|i| i.checked_sub(1))
        .and_then(|i| args[i].to_str())
        .filter(|a| a.starts_with("--") && !a.contains('='));
    let flag = before.unwrap_or("--pdsa");
    Some(format!(
        "une option oui/non s'écrit avec un signe égal : {flag}={arg} (ou {flag} seule pour oui)"
    ))
}

/// The usage error of a clap error, `None` for the kinds clap says best (help, version).
fn usage_error(e: &clap::Error, args: &[std::ffi::OsString]) -> Option<UsageError> {
    use clap::error::{ContextKind as K, ContextValue as V, ErrorKind};
    let get = |k| match e.get(k) {
        Some(V::String(s)) => Some(s.clone()),
        Some(V::Strings(v)) if !v.is_empty() => Some(v.join(", ")),
        _ => None,
    };
    let arg = get(K::InvalidArg).unwrap_or_default();
    // clap may suggest several names, not the closest first: one suggestion, the closest.
    let closest = |k, typed: &str| match e.get(k) {
        Some(V::String(s)) => Some(s.clone()),
        Some(V::Strings(v)) => v
            .iter()
            .min_by_key(|s| {
                strsim::levenshtein(s.trim_start_matches('-'), typed.trim_start_matches('-'))
            })
            .cloned(),
        _ => None,
    };
    Some(match e.kind() {
        ErrorKind::InvalidValue => {
            let value = get(K::InvalidValue).unwrap_or_default();
            // An empty value for --rules that was not typed came from AIDES_RULES (clap's `env`).
            let from_env = arg.starts_with("--rules")
                && !args.iter().any(|a| a.to_string_lossy().starts_with("--rules"));
            let message = if value.is_empty() && from_env {
                "la variable d'environnement AIDES_RULES est vide".to_owned()
            } else if value.is_empty() {
                format!("{arg} attend une valeur")
            } else {
                format!("valeur « {value} » invalide pour {arg}")
            };
            let u = UsageError {
                accepted: get(K::ValidValue),
                ..UsageError::new(message).did_you_mean(get(K::SuggestedValue))
            };
            if value.is_empty() && from_env {
                UsageError {
                    suggestion: Some("retirez-la (unset AIDES_RULES) pour les règles intégrées, ou donnez-lui un dossier de règles".to_owned()),
                    ..u
                }
            } else {
                u
            }
        }
        ErrorKind::ValueValidation => {
            let value = get(K::InvalidValue).unwrap_or_default();
            let why = std::error::Error::source(e).map_or_else(String::new, |s| {
                let s = s.to_string();
                if s.contains("invalid digit") || s.contains("number too large") {
                    " : un nombre entier positif est attendu".to_owned()
                } else if s.contains("zero") {
                    " : un nombre entier d'au moins 1 est attendu".to_owned()
                } else {
                    format!(" : {s}")
                }
            });
            UsageError::new(format!("valeur « {value} » invalide pour {arg}{why}"))
        }
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => {
            UsageError::new(format!(
                "{arg} ne prend pas cette valeur ; pour un interrupteur comme --all, écrivez-le seul"
            ))
        }
        ErrorKind::UnknownArgument => {
            let m = UsageError::new(format!("option ou argument inattendu « {arg} »"));
            match closest(K::SuggestedArg, &arg) {
                Some(s) => m.did_you_mean(Some(s)),
                None => UsageError {
                    suggestion: yes_no_help(&arg, args),
                    ..m
                },
            }
        }
        ErrorKind::InvalidSubcommand => {
            let cmd = get(K::InvalidSubcommand).unwrap_or_default();
            UsageError {
                commands: true,
                ..UsageError::new(format!("commande inconnue « {cmd} »"))
                    .did_you_mean(closest(K::SuggestedSubcommand, &cmd))
            }
        }
        ErrorKind::MissingRequiredArgument => {
            UsageError::new(format!("argument obligatoire manquant : {arg}"))
        }
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            UsageError::new(format!("commande manquante : {}", COMMANDES.join(", ")))
        }
        ErrorKind::ArgumentConflict => UsageError::new(format!("{arg} ne peut pas être utilisé ici")),
        ErrorKind::NoEquals => UsageError::new(format!("{arg} s'écrit avec un signe égal : --qpv=non")),
        ErrorKind::InvalidUtf8 => UsageError {
            suggestion: Some("retapez-le sans caractère accentué copié d'un autre encodage ; un fichier se lit aussi par l'entrée standard (--input -)".to_owned()),
            ..UsageError::new("un argument n'est pas du texte valide (UTF-8)".to_owned())
        },
        _ => return None,
    })
}

/// The command line with its help texts in French typography (a no-break space before « : ; ? ! »
/// and inside « »), so that clap's wrapping never leaves a mark at the start of a line.
#[must_use]
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    typographie(Cli::command())
}

fn typographie(cmd: clap::Command) -> clap::Command {
    use crate::text::wrap::typographie as t;
    let styled = |s: Option<&clap::builder::StyledStr>| s.map(|s| t(&s.to_string()));
    let about = styled(cmd.get_about());
    let long_about = styled(cmd.get_long_about());
    let after = styled(cmd.get_after_help());
    let after_long = styled(cmd.get_after_long_help());
    let mut cmd = cmd.mut_args(|a| {
        let help = a.get_help().map(|s| t(&s.to_string()));
        let long = a.get_long_help().map(|s| t(&s.to_string()));
        let a = match help {
            Some(h) => a.help(h),
            None => a,
        };
        match long {
            Some(l) => a.long_help(l),
            None => a,
        }
    });
    if let Some(x) = about {
        cmd = cmd.about(x);
    }
    if let Some(x) = long_about {
        cmd = cmd.long_about(x);
    }
    if let Some(x) = after {
        cmd = cmd.after_help(x);
    }
    if let Some(x) = after_long {
        cmd = cmd.after_long_help(x);
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .collect();
    for name in names {
        cmd = cmd.mut_subcommand(name, typographie);
    }
    cmd
}

/// The arguments of an `aides check` command line, words already split (for tests).
#[cfg(test)]
pub(crate) fn check_args<T: Into<std::ffi::OsString> + Clone>(
    words: impl IntoIterator<Item = T>,
) -> CheckArgs {
    match Cli::try_parse_from(words) {
        Ok(Cli {
            command: Some(Command::Check(args)),
            ..
        }) => args,
        Ok(_) => panic!("not a check command"),
        Err(e) => panic!("a check command line refused: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn tri_state_flags() {
        let args = check_args(["aides", "check", "--qpv", "--pdsa=non", "--zone", "ZIP"]);
        let get = |name: &str| {
            args.profil
                .values
                .iter()
                .find(|(f, _)| f.name() == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("qpv"), Some("oui"));
        assert_eq!(get("pdsa"), Some("non"));
        assert_eq!(get("zone"), Some("ZIP"));
        assert_eq!(get("optam"), None);
    }

    #[test]
    fn bad_enum_value_is_a_usage_error_in_french() {
        let err = Cli::try_parse_from(["aides", "check", "--format", "jsn"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        let text = french_error(&err, &[]);
        assert!(
            text.contains("valeur « jsn » invalide pour --format"),
            "{text}"
        );
        assert!(text.contains("vouliez-vous dire « json » ?"), "{text}");
    }

    #[test]
    fn tri_state_flag_without_equals_explains_the_syntax() {
        let args: Vec<std::ffi::OsString> = ["aides", "check", "--qpv", "non"]
            .iter()
            .map(Into::into)
            .collect();
        let err = Cli::try_parse_from(&args).unwrap_err();
        let text = french_error(&err, &args);
        assert!(text.contains("« non »"), "{text}");
        assert!(
            text.contains("signe égal : --qpv=non (ou --qpv seule pour oui)"),
            "the hint names the flag typed: {text}"
        );
        let err = Cli::try_parse_from(["aides", "show", "caim", "extra"]).unwrap_err();
        assert!(
            !french_error(&err, &[]).contains("signe égal"),
            "no yes/no hint for a stray word"
        );
    }
}
