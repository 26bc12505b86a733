//! The `OpenAPI` 3.1 document of the API (`/api/openapi.json`), built from the library: the three JSON
//! Schemas of `aides schema` are embedded as components (their `$defs` hoisted beside them), and the
//! query parameters of a profile are the profile schema's properties.

use serde_json::{Map, Value, json};

use crate::referentiel::Referentiel;
const VERSION: &str = env!("CARGO_PKG_VERSION");
use crate::schema::Schema;

/// The component name of a schema.
fn component(s: Schema) -> &'static str {
    match s {
        Schema::Profil => "Profil",
        Schema::ProfilCanonique => "ProfilCanonique",
        Schema::Rapport => "Rapport",
        Schema::Compact => "Compact",
    }
}

/// Moves a schema's `$defs` into `components`, renaming a definition whose name is taken by a
/// different one, and points its `$ref`s there.
fn hoist(name: &str, mut schema: Value, components: &mut Map<String, Value>) {
    let defs = schema
        .as_object_mut()
        .and_then(|o| {
            o.remove("$schema");
            o.remove("$id");
            o.remove("$defs")
        })
        .and_then(|d| match d {
            Value::Object(m) => Some(m),
            _ => None,
        })
        .unwrap_or_default();
    let renames: Vec<(String, String)> = defs
        .iter()
        .map(|(k, v)| {
            let taken = components.get(k).is_some_and(|old| old != v) || k == name;
            let new = if taken {
                format!("{name}{k}")
            } else {
                k.clone()
            };
            (k.clone(), new)
        })
        .collect();
    let fix = |v: &mut Value| rewrite(v, &renames);
    let mut defs = defs;
    for (k, mut v) in std::mem::take(&mut defs) {
        fix(&mut v);
        let new = renames
            .iter()
            .find(|(old, _)| *old == k)
            .map_or(k, |(_, n)| n.clone());
        components.insert(new, v);
    }
    fix(&mut schema);
    components.insert(name.to_owned(), schema);
}

fn rewrite(v: &mut Value, renames: &[(String, String)]) {
    match v {
        Value::Object(o) => {
            if let Some(Value::String(r)) = o.get_mut("$ref")
                && let Some(def) = r.strip_prefix("#/$defs/")
            {
                let new = renames
                    .iter()
                    .find(|(old, _)| old == def)
                    .map_or(def, |(_, n)| n.as_str());
                *r = format!("#/components/schemas/{new}");
            }
            for child in o.values_mut() {
                rewrite(child, renames);
            }
        }
        Value::Array(a) => {
            for child in a {
                rewrite(child, renames);
            }
        }
        _ => {}
    }
}

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// The error answers every operation may give.
fn errors(codes: &[u16]) -> Map<String, Value> {
    let mut m = Map::new();
    for code in codes {
        m.insert(
            code.to_string(),
            json!({
                "description": "Erreur, en français : ce qui ne va pas, où, et comment corriger.",
                "content": { "application/json": { "schema": reference("Erreur") } }
            }),
        );
    }
    m
}

fn with(mut m: Map<String, Value>, code: &str, response: Value) -> Value {
    m.insert(code.to_owned(), response);
    Value::Object(m)
}

fn query(name: &str, description: &str, schema: &Value) -> Value {
    json!({ "name": name, "in": "query", "required": false, "description": description, "schema": schema })
}

/// The document.
#[must_use]
pub(crate) fn document(refs: &Referentiel) -> Value {
    let mut components = Map::new();
    let profil = Schema::Profil.generate(refs);
    let fields: Vec<(String, String)> = profil
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| {
            p.iter()
                .map(|(k, v)| {
                    let d = v
                        .get("description")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    (k.clone(), d.to_owned())
                })
                .collect()
        })
        .unwrap_or_default();
    for s in Schema::ALL {
        hoist(component(s), s.generate(refs), &mut components);
    }
    components.insert(
        "Erreur".into(),
        json!({
            "type": "object",
            "required": ["erreur"],
            "properties": {
                "erreur": { "type": "string", "description": "Ce qui ne va pas." },
                "champ": { "type": "string", "description": "Le champ ou le paramètre en cause." },
                "aide": { "type": "string", "description": "Comment corriger." }
            }
        }),
    );
    let text = json!({ "type": "string" });
    let options = vec![
        query(
            "date",
            "Date de référence (AAAA-MM-JJ ou JJ/MM/AAAA) ; par défaut aujourd'hui.",
            &text,
        ),
        query(
            "format",
            "json (par défaut) ou ndjson (la forme compacte).",
            &json!({ "type": "string", "enum": ["json", "ndjson"] }),
        ),
        query("all", "Aussi les aides non éligibles (oui/non).", &text),
        query("detail", "Toutes les conditions et notes (oui/non).", &text),
    ];
    let mut profile_params: Vec<Value> = fields
        .iter()
        .filter(|(k, _)| k != "id")
        .map(|(k, d)| query(k, &format!("{d} « ? » : je ne sais pas."), &text))
        .collect();
    profile_params.extend(options.iter().cloned());
    let answer = json!({
        "description": "La réponse de aides check : un rapport pour un profil, un tableau pour un lot (format json) ; une ligne compacte par profil (format ndjson).",
        "content": {
            "application/json": { "schema": { "oneOf": [
                reference("Rapport"),
                { "type": "array", "items": reference("Rapport") }
            ] } },
            "application/x-ndjson": { "schema": reference("Compact") }
        }
    });
    let paths = paths(profile_params, options, &answer);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "aides : les aides à l'installation des médecins",
            "version": VERSION,
            "description": "Les réponses de la commande aides (check, explain, list, show, schema), par HTTP. Les messages d'erreur sont ceux de la commande."
        },
        "paths": paths,
        "components": { "schemas": components }
    })
}

/// The operations.
#[allow(clippy::needless_pass_by_value)]
fn paths(profile_params: Vec<Value>, options: Vec<Value>, answer: &Value) -> Value {
    let text = json!({ "type": "string" });
    let common = [400, 404, 405, 408, 411, 413, 414, 415, 503];
    let json_ok = |description: &str, schema: Value| json!({ "description": description, "content": { "application/json": { "schema": schema } } });
    let id_param = json!({ "name": "id", "in": "path", "required": true, "schema": text, "description": "L'id de l'aide (GET /api/aides)." });
    json!({
        "/api/check": {
            "get": {
                "summary": "Un profil donné par les paramètres de l'adresse",
                "parameters": profile_params,
                "responses": with(errors(&common), "200", answer.clone())
            },
            "post": {
                "summary": "Un profil (objet JSON) ou un lot (tableau JSON, ou NDJSON), diffusé dans l'ordre",
                "parameters": options,
                "requestBody": {
                    "required": true,
                    "content": {
                        "application/json": { "schema": { "oneOf": [
                            reference("Profil"),
                            { "type": "array", "items": reference("Profil") }
                        ] } },
                        "application/x-ndjson": { "schema": { "type": "string" } }
                    }
                },
                "responses": with(errors(&common), "200", answer.clone())
            }
        },
        "/api/explain/{id}": {
            "post": {
                "summary": "aides explain : une aide pour un profil, chaque condition",
                "parameters": [id_param.clone(), query("date", "Date de référence.", &text)],
                "requestBody": { "required": true, "content": { "application/json": { "schema": reference("Profil") } } },
                "responses": with(errors(&common), "200", json_ok("L'explication (aides explain --format json).", json!({ "type": "object" })))
            }
        },
        "/api/aides": {
            "get": {
                "summary": "aides list : le catalogue",
                "parameters": [query("region", "Une région : ses aides, et ce que la base ne couvre pas.", &text), query("date", "Date de référence.", &text)],
                "responses": with(errors(&common), "200", json_ok("La liste (aides list --format json).", json!({ "type": "object", "required": ["aides"] })))
            }
        },
        "/api/aides/{id}": {
            "get": {
                "summary": "aides show : une aide en entier",
                "parameters": [id_param],
                "responses": with(errors(&common), "200", json_ok("La fiche (aides show --format json).", json!({ "type": "object", "required": ["id"] })))
            }
        },
        "/api/schema/{nom}": {
            "get": {
                "summary": "aides schema : un schéma JSON",
                "parameters": [{ "name": "nom", "in": "path", "required": true, "schema": { "type": "string", "enum": Schema::ALL.map(Schema::nom) } }],
                "responses": with(errors(&common), "200", json!({ "description": "Le schéma (draft 2020-12).", "content": { "application/schema+json": { "schema": { "type": "object" } } } }))
            }
        },
        "/api/communes": {
            "get": {
                "summary": "Les communes dont le nom ou un code commence ainsi (20 au plus)",
                "parameters": [{ "name": "q", "in": "query", "required": true, "schema": { "type": "string", "minLength": 1, "maxLength": 100, "pattern": "\\S" } }],
                "responses": with(errors(&common), "200", json_ok("Les communes.", json!({
                    "type": "array", "maxItems": 20,
                    "items": { "type": "object", "required": ["insee", "nom", "departement", "codes_postaux"], "properties": {
                        "insee": { "type": "string" }, "nom": { "type": "string" }, "departement": { "type": "string" },
                        "codes_postaux": { "type": "array", "items": { "type": "string" } }
                    } }
                })))
            }
        },
        "/healthz": {
            "get": {
                "summary": "En service, avec la provenance des règles",
                "responses": with(errors(&[503]), "200", json_ok("En service.", json!({
                    "type": "object", "required": ["statut", "provenance"],
                    "properties": { "statut": { "const": "ok" }, "provenance": { "type": "object" } }
                })))
            }
        }
    })
}
