//! `aides serve` over HTTP, on loopback: each test starts the binary on a free port (`--listen
//! 127.0.0.1:0`), reads the address from its first line, and kills it when done. The API is compared
//! byte for byte with the CLI (run in-process through `aides::main_with`, the binary's own entry) on
//! every scenario of `tests/scenarios` and every example of the rule files; the questionnaire is walked
//! without JavaScript by following its forms; hostile requests must leave the server answering.
//! The README's curl examples for advisors are the requests of `readme_examples_answer`.

// Tests start processes, read fixtures and time things (clippy.toml).
#![allow(clippy::disallowed_methods)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aides::profile::{self, Profile};
use aides::rules::model::RuleSet;
use serde_json::{Map, Value};

/// A server on a free loopback port, killed when dropped.
struct Server {
    child: Child,
    addr: String,
    log: Arc<Mutex<String>>,
}

impl Server {
    fn start(extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_aides"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("aides serve starts");
        let mut err = BufReader::new(child.stderr.take().expect("stderr"));
        let mut first = String::new();
        err.read_line(&mut first).expect("first line");
        assert!(
            first.starts_with("aides : page sur http://127.0.0.1:")
                && first.contains("Ctrl-C pour arrêter"),
            "the first line says where, in French: {first}"
        );
        let addr = first
            .split("http://")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .expect("an address")
            .to_owned();
        let log = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            let mut line = String::new();
            while err.read_line(&mut line).is_ok_and(|n| n > 0) {
                sink.lock().expect("log").push_str(&line);
                line.clear();
            }
        });
        Server { child, addr, log }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// Status, headers and body of a response.
struct Got {
    status: u16,
    headers: ureq::http::HeaderMap,
    body: Vec<u8>,
}

impl Got {
    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("UTF-8 answer")
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON answer")
    }

    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }
}

fn got(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Got {
    let mut r = r.expect("the request gets an answer");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let body = r
        .body_mut()
        .with_config()
        .limit(100 << 20)
        .read_to_vec()
        .expect("body");
    Got {
        status,
        headers,
        body,
    }
}

fn get(url: &str) -> Got {
    got(agent().get(url).call())
}

fn post(url: &str, content_type: &str, body: &[u8]) -> Got {
    got(agent()
        .post(url)
        .header("content-type", content_type)
        .send(body))
}

/// What the CLI writes for `args` (the binary's entry, in-process).
fn cli(args: &[&str]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let mut all = vec!["aides"];
    all.extend_from_slice(args);
    let _ = aides::main_with(all, &mut out, &mut err);
    out
}

/// The CLI on a profile written to a file.
fn cli_on(json: &str, args: &[&str], name: &str) -> Vec<u8> {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("serve");
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let path = dir.join(name);
    std::fs::write(&path, json).expect("write profile");
    let path = path.to_string_lossy().into_owned();
    let mut all = args.to_vec();
    all.extend(["--input", path.as_str()]);
    cli(&all)
}

const LOIRET_GP: &str = r#"{"departement":"45","zone":"ZIP","secteur":1,"exercice":"liberal","specialite":"medecine_generale","projet":"installation","primo_installation":true,"date_installation":"2026-03-02","aide_installation_10_ans":false}"#;
const EMAIL: &str = "RPS45.cpam-loiret@assurance-maladie.fr";

#[test]
fn loiret_gp_posted_is_the_clis_json_byte_for_byte() {
    let s = Server::start(&["--date", "02/03/2026"]);
    let api = post(
        &s.url("/api/check"),
        "application/json",
        LOIRET_GP.as_bytes(),
    );
    assert_eq!(api.status, 200);
    assert_eq!(api.header("content-type"), "application/json");
    let want = cli_on(
        LOIRET_GP,
        &["check", "--format", "json", "--date", "2026-03-02"],
        "loiret.json",
    );
    assert_eq!(
        api.text(),
        String::from_utf8(want).expect("UTF-8"),
        "same bytes as the CLI"
    );
    let text = api.text();
    assert!(text.contains("\"eur\": 10000") && text.contains(EMAIL));
    // The same profile as query parameters, and the date given by the request.
    let q = "departement=45&zone=ZIP&secteur=1&exercice=liberal&specialite=medecine_generale&projet=installation&primo_installation=oui&date_installation=02/03/2026&aide_installation_10_ans=non&date=2026-03-02";
    let by_get = get(&s.url(&format!("/api/check?{q}")));
    assert_eq!(by_get.text(), text, "GET with the profile in the query");
}

/// A TOML value as JSON (dates as `AAAA-MM-JJ`).
fn toml_json(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::from(s.as_str()),
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(f) => Value::from(*f),
        toml::Value::Boolean(b) => Value::from(*b),
        toml::Value::Datetime(d) => Value::from(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.iter().map(toml_json).collect()),
        toml::Value::Table(t) => Value::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_json(v)))
                .collect::<Map<String, Value>>(),
        ),
    }
}

/// Every scenario: (name, date, profile as JSON).
fn scenarios() -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir("tests/scenarios")
        .expect("tests/scenarios")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("scenario file");
        let doc: toml::Table = toml::from_str(&text).expect("TOML");
        for sc in doc["scenario"].as_array().expect("[[scenario]]") {
            let name = sc["nom"].as_str().expect("nom").to_owned();
            let date = sc["date"].to_string();
            let profil = serde_json::to_string(&toml_json(&sc["profil"])).expect("JSON");
            out.push((name, date, profil));
        }
    }
    assert!(out.len() > 20, "the scenarios are read");
    out
}

#[test]
fn every_scenario_posted_is_the_clis_json_and_a_batch_the_clis_batch() {
    let s = Server::start(&[]);
    let all = scenarios();
    for (i, (name, date, profil)) in all.iter().enumerate() {
        let api = post(
            &s.url(&format!("/api/check?date={date}")),
            "application/json",
            profil.as_bytes(),
        );
        let want = cli_on(
            profil,
            &["check", "--format", "json", "--date", date],
            &format!("scenario-{i}.json"),
        );
        assert_eq!(api.status, 200, "{name}");
        assert!(
            api.body == want,
            "{name}: the API's JSON is not the CLI's:\n{}",
            api.text()
        );
    }
    // The whole set as one batch, at one date: NDJSON and a JSON array, each against the CLI.
    let ndjson: String = all.iter().fold(String::new(), |mut out, (_, _, p)| {
        out.push_str(p);
        out.push('\n');
        out
    });
    let api = post(
        &s.url("/api/check?date=2026-03-01"),
        "application/x-ndjson",
        ndjson.as_bytes(),
    );
    assert_eq!(api.status, 200);
    assert_eq!(api.header("content-type"), "application/x-ndjson");
    let want = cli_on(
        &ndjson,
        &["check", "-q", "--format", "ndjson", "--date", "2026-03-01"],
        "scenarios.ndjson",
    );
    assert_eq!(api.body, want, "an NDJSON batch as the CLI's");
    let array = format!(
        "[{}]",
        all.iter()
            .map(|(_, _, p)| p.as_str())
            .collect::<Vec<_>>()
            .join(",\n")
    );
    let api = post(
        &s.url("/api/check?date=2026-03-01"),
        "application/json",
        array.as_bytes(),
    );
    let want = cli_on(
        &array,
        &["check", "-q", "--format", "json", "--date", "2026-03-01"],
        "scenarios.json",
    );
    assert_eq!(api.status, 200);
    assert!(api.body == want, "a JSON array batch as the CLI's");
    let n = api.json().as_array().map_or(0, Vec::len);
    assert_eq!(n, all.len(), "one report per profile, in order");
}

/// A profile as JSON and as query parameters.
fn profile_json(profil: &Profile, rules: &RuleSet) -> (String, String) {
    let mut object = Map::new();
    let mut pairs = Vec::new();
    for (field, value) in profil.known() {
        let v = aides::report::json_value(field, Some(value), &rules.refs);
        let text = match &v {
            Value::String(s) => s.clone(),
            Value::Bool(b) => if *b { "oui" } else { "non" }.to_owned(),
            Value::Array(a) if a.is_empty() => "aucune".to_owned(),
            Value::Array(a) => a
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(","),
            other => other.to_string(),
        };
        pairs.push((field.name().to_owned(), text));
        object.insert(field.name().to_owned(), v);
    }
    (
        serde_json::to_string(&Value::Object(object)).expect("JSON"),
        serde_urlencoded::to_string(&pairs).expect("query"),
    )
}

#[test]
fn every_rule_example_through_the_api_is_the_clis_check_and_explain() {
    let s = Server::start(&[]);
    let loaded = aides::rules::embedded();
    let rules = &loaded.rules;
    let mut n = 0;
    for aide in &rules.aides {
        for (k, ex) in aide.exemples.iter().enumerate() {
            n += 1;
            let date = ex.date.format("%Y-%m-%d").to_string();
            let (json, query) = profile_json(&ex.profil, rules);
            let file = format!("ex-{}-{k}.json", aide.id);
            let want = cli_on(
                &json,
                &["check", "--format", "json", "--date", &date],
                &file,
            );
            let api = post(
                &s.url(&format!("/api/check?date={date}")),
                "application/json",
                json.as_bytes(),
            );
            assert!(
                api.body == want,
                "{} « {} »: POST /api/check differs from the CLI: {}",
                aide.id,
                ex.nom,
                api.text()
            );
            let by_get = get(&s.url(&format!("/api/check?{query}&date={date}")));
            assert!(
                by_get.body == want,
                "{} « {} »: GET /api/check?{query} differs from the CLI: {}",
                aide.id,
                ex.nom,
                by_get.text()
            );
            let want = cli_on(
                &json,
                &["explain", &aide.id, "--format", "json", "--date", &date],
                &file,
            );
            let api = post(
                &s.url(&format!("/api/explain/{}?date={date}", aide.id)),
                "application/json",
                json.as_bytes(),
            );
            assert!(
                api.body == want,
                "{} « {} »: /api/explain differs from the CLI",
                aide.id,
                ex.nom
            );
        }
    }
    assert!(n > 50, "the examples are read ({n})");
}

#[test]
fn catalogue_aid_schemas_and_health_are_the_clis() {
    // No --date: the server's today is the CLI's.
    let s = Server::start(&[]);
    assert_eq!(
        get(&s.url("/api/aides")).body,
        cli(&["list", "--format", "json"])
    );
    // `region` is a profile field too: the catalogue takes it as `list --region`.
    assert_eq!(
        get(&s.url("/api/aides?region=occitanie")).body,
        cli(&["list", "--region", "occitanie", "--format", "json"])
    );
    assert_eq!(get(&s.url("/api/aides?zone=ZIP")).status, 400);
    for nom in ["profil", "rapport", "compact"] {
        assert_eq!(
            get(&s.url(&format!("/api/schema/{nom}"))).body,
            cli(&["schema", nom])
        );
    }
    assert_eq!(get(&s.url("/api/schema/autre")).status, 404);
    let loaded = aides::rules::embedded();
    for aide in &loaded.rules.aides {
        assert_eq!(
            get(&s.url(&format!("/api/aides/{}", aide.id))).body,
            cli(&["show", &aide.id, "--format", "json"])
        );
    }
    let unknown = get(&s.url("/api/aides/primo-instalation-zip"));
    assert_eq!(unknown.status, 404);
    let e = unknown.json();
    assert!(e["erreur"].as_str().is_some_and(|m| m.contains("inconnue")));
    assert!(
        e["aide"]
            .as_str()
            .is_some_and(|m| m.contains("primo-installation-zip")),
        "{e}"
    );
    let health = get(&s.url("/healthz")).json();
    assert_eq!(health["statut"], "ok");
    assert_eq!(
        health["provenance"]["empreinte_regles"],
        Value::from(loaded.rules.empreinte())
    );
    let communes = get(&s.url("/api/communes?q=orl%C3%A9ans")).json();
    assert_eq!(communes[0]["insee"], "45234", "{communes}");
    assert_eq!(communes[0]["departement"], "45");
    let many = get(&s.url("/api/communes?q=saint")).json();
    assert_eq!(many.as_array().map(Vec::len), Some(20), "at most 20");
    assert_eq!(get(&s.url("/api/communes")).status, 400);
}

#[test]
fn errors_are_json_in_french_with_the_right_status() {
    let s = Server::start(&[]);
    let bad = post(
        &s.url("/api/check"),
        "application/json",
        br#"{"zone":"ZIQ","secteur":1}"#,
    );
    assert_eq!(bad.status, 400);
    assert_eq!(bad.header("content-type"), "application/json");
    let e = bad.json();
    assert_eq!(e["champ"], "zone");
    assert!(
        e["erreur"].as_str().is_some_and(|m| m.contains("« ZIQ »")),
        "{e}"
    );
    assert!(e["aide"].as_str().is_some_and(|m| m.contains("ZIP")), "{e}");
    let syntax = post(&s.url("/api/check"), "application/json", b"{\"zone\":");
    assert_eq!(syntax.status, 400, "{}", syntax.text());
    let by_get = get(&s.url("/api/check?secteur=3"));
    assert_eq!(by_get.status, 400);
    assert_eq!(by_get.json()["champ"], "secteur");
    let unknown = get(&s.url("/api/check?zonne=ZIP"));
    assert_eq!(unknown.status, 400);
    assert!(
        unknown.json()["aide"]
            .as_str()
            .is_some_and(|a| a.contains("zone"))
    );
    assert_eq!(get(&s.url("/api/check?date=31/02/2026")).status, 400);
    assert_eq!(get(&s.url("/api/check?format=xml")).status, 400);
    assert_eq!(post(&s.url("/api/check"), "text/plain", b"{}").status, 415);
    assert_eq!(get(&s.url("/api/nulle-part")).status, 404);
    let wrong = got(agent().delete(&s.url("/api/check")).call());
    assert_eq!(wrong.status, 405);
    assert!(wrong.json()["erreur"].as_str().is_some());
    let empty = post(&s.url("/api/check"), "application/json", b"");
    assert_eq!(empty.status, 400);
    assert!(
        empty.json()["erreur"]
            .as_str()
            .is_some_and(|m| m.contains("vide"))
    );
    let batch_for_explain = post(
        &s.url("/api/explain/primo-installation-zip"),
        "application/json",
        b"[{}]",
    );
    assert_eq!(batch_for_explain.status, 400);
    assert_eq!(
        post(&s.url("/api/explain/nulle"), "application/json", b"{}").status,
        404
    );
    // A bad line of a batch is answered in place, with status 200.
    let batch = post(
        &s.url("/api/check"),
        "application/x-ndjson",
        b"{\"zone\":\"ZIP\"}\n{\"zone\":1}\n{\"zone\":\"ZAC\"}\n",
    );
    assert_eq!(batch.status, 200);
    let lines: Vec<Value> = batch
        .text()
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[1]["ligne"], 2);
    assert!(lines[1]["erreur"].as_str().is_some());
    assert!(lines[2]["aides"].is_array());
}

#[test]
fn every_answer_has_the_security_headers_no_cookie_and_a_log_line_without_the_profile() {
    let s = Server::start(&[]);
    for path in [
        "/",
        "/reponse?zone=ZIP",
        "/aides",
        "/aides/primo-installation-zip",
        "/static/aides.css",
        "/api/aides",
        "/api/check?zone=ZIP",
        "/healthz",
        "/nulle-part",
        "/api/openapi.json",
    ] {
        let r = get(&s.url(path));
        assert_eq!(
            r.header("content-security-policy"),
            "default-src 'self'; frame-ancestors 'none'",
            "{path}"
        );
        assert_eq!(r.header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(r.header("referrer-policy"), "no-referrer", "{path}");
        assert!(r.headers.get("set-cookie").is_none(), "{path}");
    }
    let _ = get(&s.url("/api/check?zone=ZAR&secteur=2"));
    std::thread::sleep(Duration::from_millis(200));
    let log = s.log.lock().expect("log").clone();
    assert!(
        log.lines()
            .any(|l| l.starts_with("GET /api/check 200 ") && l.ends_with(" ms")),
        "one line per request: method, path, status, ms:\n{log}"
    );
    assert!(!log.contains("ZAR"), "never a profile in the log");
}

/// The form of a question page: its hidden fields and the field asked.
fn form(page: &str) -> (Vec<(String, String)>, String) {
    let mut hidden = Vec::new();
    let mut asked = String::new();
    for input in page.split("<input type=\"hidden\" ").skip(1) {
        let attr = |name: &str| {
            input
                .split(&format!("{name}=\""))
                .nth(1)
                .and_then(|r| r.split('"').next())
                .map(|v| v.replace("&quot;", "\"").replace("&amp;", "&"))
                .unwrap_or_default()
        };
        if attr("name") == "q" {
            asked = attr("value");
        } else {
            hidden.push((attr("name"), attr("value")));
        }
    }
    (hidden, asked)
}

#[test]
fn the_questionnaire_walked_without_javascript_reaches_the_loiret_gps_answer() {
    let s = Server::start(&["--date", "02/03/2026"]);
    let answers = [
        ("projet", "installation"),
        ("zone", "ZIP"),
        ("secteur", "1"),
        ("exercice", "liberal"),
        ("specialite", "medecine_generale"),
        ("primo_installation", "oui"),
        ("date_installation", "02/03/2026"),
        ("aide_installation_10_ans", "non"),
        ("commune", "45"),
        ("departement", "45"),
    ];
    let mut page = get(&s.url("/")).text();
    let mut asked = Vec::new();
    for _ in 0..40 {
        if page.contains("<h1>Votre réponse</h1>") {
            break;
        }
        let (hidden, field) = form(&page);
        assert!(!field.is_empty(), "a question page has its field:\n{page}");
        assert!(!asked.contains(&field), "{field} asked twice");
        asked.push(field.clone());
        let answer = answers
            .iter()
            .find(|(f, _)| *f == field)
            .map_or("je ne sais pas", |(_, a)| a);
        let mut pairs = hidden;
        pairs.push(("q".into(), field));
        pairs.push(("r".into(), answer.into()));
        let q = serde_urlencoded::to_string(&pairs).expect("query");
        page = get(&s.url(&format!("/?{q}"))).text();
    }
    assert!(
        page.contains("<h1>Votre réponse</h1>"),
        "the walk ends on the answer:\n{page}"
    );
    let spaced = page.replace(['\u{202f}', '\u{a0}'], " ");
    assert!(spaced.contains("10 000 €"), "{page}");
    assert!(
        page.contains(&format!("<a href=\"mailto:{EMAIL}\">{EMAIL}</a>")),
        "the CPAM du Loiret's email as a mailto link:\n{page}"
    );
    assert!(page.contains("aides check"), "the command line");
    assert!(page.contains("href=\"/api/check?"), "the JSON link");
}

#[test]
fn pages_escape_every_value_from_the_request() {
    let s = Server::start(&[]);
    let script = "<script>alert(1)</script>";
    let enc = "%3Cscript%3Ealert(1)%3C%2Fscript%3E";
    let mut urls: Vec<String> = profile::field_names()
        .flat_map(|f| {
            [
                format!("/reponse?{f}={enc}"),
                format!("/?{f}={enc}"),
                format!("/?q={f}&r={enc}"),
                format!("/aides/primo-installation-zip?{f}={enc}"),
                format!("/api/check?{f}={enc}"),
            ]
        })
        .collect();
    urls.push(format!("/aides/{enc}"));
    urls.push(format!("/?{enc}=1"));
    urls.push(format!("/api/aides/{enc}"));
    for url in &urls {
        let r = get(&s.url(url));
        assert!(r.status < 500, "{url}: {}", r.status);
        if url.starts_with("/api/") {
            // JSON, never read as HTML (nosniff).
            assert!(
                r.header("content-type").starts_with("application/json"),
                "{url}"
            );
            continue;
        }
        assert!(
            !r.text().contains(script),
            "{url}: the value reaches the page unescaped"
        );
    }
    // A value typed in the questionnaire comes back escaped in its field.
    let typed = get(&s.url(&format!("/?q=date_installation&r={enc}")));
    assert_eq!(typed.status, 400);
    assert!(typed.text().contains("&lt;script&gt;"));
    assert!(typed.text().contains("role=\"alert\""));
    assert_eq!(get(&s.url("/")).status, 200, "still answering");
}

fn raw(s: &Server, request: &[u8]) -> String {
    let mut c = TcpStream::connect(&s.addr).expect("connect");
    c.set_read_timeout(Some(Duration::from_secs(15)))
        .expect("timeout");
    let _ = c.write_all(request);
    let mut out = Vec::new();
    let _ = c.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn hostile_requests_get_a_4xx_and_leave_the_server_answering() {
    let s = Server::start(&[]);
    // 1 000 idle connections.
    let idle: Vec<TcpStream> = (0..1000)
        .filter_map(|_| TcpStream::connect(&s.addr).ok())
        .collect();
    assert!(idle.len() >= 900, "connections opened: {}", idle.len());
    let t = Instant::now();
    assert_eq!(get(&s.url("/healthz")).status, 200);
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "answered beside idle connections"
    );
    // A slow sender: half a request head, and nothing more.
    let mut slow = TcpStream::connect(&s.addr).expect("connect");
    slow.write_all(b"POST /api/check HTTP/1.1\r\nHost: x\r\nContent-Ty")
        .expect("write");
    assert_eq!(get(&s.url("/healthz")).status, 200, "beside a slow sender");
    // A 64 kB URL.
    let long = format!("/reponse?zone={}", "Z".repeat(64 * 1024));
    let head = raw(
        &s,
        format!("GET {long} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
    );
    let status: u16 = head.get(9..12).and_then(|c| c.parse().ok()).unwrap_or(0);
    assert!(
        (400..500).contains(&status) || head.is_empty(),
        "{head:.200}"
    );
    // `..` and NUL in the path.
    for path in [
        "/static/../Cargo.toml",
        "/static/..%2F..%2FCargo.toml",
        "/aides/%00",
        "/aides/..%2F..%2Fetc%2Fpasswd",
        "/%00",
    ] {
        let r = get(&s.url(path));
        assert_eq!(r.status, 404, "{path}");
        assert!(!r.text().contains("[package]"));
    }
    // A 100 MB body for one profile.
    let mut c = TcpStream::connect(&s.addr).expect("connect");
    c.set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    c.write_all(b"POST /api/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\nConnection: close\r\n\r\n{\"id\":\"")
        .expect("head");
    let chunk = vec![b'a'; 1 << 20];
    for _ in 0..100 {
        if c.write_all(&chunk).is_err() {
            break;
        }
    }
    let _ = c.write_all(b"\"}");
    let mut answer = Vec::new();
    let _ = c.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.starts_with("HTTP/1.1 413")
            || answer.starts_with("HTTP/1.1 400")
            || answer.is_empty(),
        "{answer:.300}"
    );
    // A 10 MB line in a batch: answered in place, and the next line too.
    let mut body = b"{\"id\":\"".to_vec();
    body.extend(std::iter::repeat_n(b'a', 10 << 20));
    body.extend_from_slice(b"\"}\n{\"zone\":\"ZIP\"}\n");
    let r = post(&s.url("/api/check"), "application/x-ndjson", &body);
    assert_eq!(r.status, 200);
    let lines: Vec<Value> = r
        .text()
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0]["erreur"]
            .as_str()
            .is_some_and(|e| e.contains("Mio")),
        "{}",
        lines[0]
    );
    assert!(lines[1]["aides"].is_array());
    assert_eq!(get(&s.url("/healthz")).status, 200, "still answering");
    drop(idle);
    drop(slow);
}

/// Every `$ref` in a JSON document.
fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            if let Some(Value::String(r)) = o.get("$ref") {
                out.push(r.clone());
            }
            o.values().for_each(|c| refs(c, out));
        }
        Value::Array(a) => a.iter().for_each(|c| refs(c, out)),
        _ => {}
    }
}

#[test]
fn openapi_document_embeds_the_schemas_and_every_reference_resolves() {
    let s = Server::start(&[]);
    let doc = get(&s.url("/api/openapi.json")).json();
    assert_eq!(doc["openapi"], "3.1.0");
    let schemas = doc["components"]["schemas"]
        .as_object()
        .expect("components");
    for name in ["Profil", "Rapport", "Compact", "Erreur"] {
        assert!(schemas.contains_key(name), "{name}");
    }
    let profil: Value = serde_json::from_slice(&cli(&["schema", "profil"])).expect("schema");
    assert_eq!(
        doc["components"]["schemas"]["Profil"]["properties"], profil["properties"],
        "the profile schema as aides schema gives it"
    );
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(all.len() > 10);
    for r in all {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("a reference outside the components: {r}"));
        assert!(schemas.contains_key(name), "{r} resolves");
    }
    // Every route the server has is in the document.
    let paths = doc["paths"].as_object().expect("paths");
    for p in [
        "/api/check",
        "/api/explain/{id}",
        "/api/aides",
        "/api/aides/{id}",
        "/api/schema/{nom}",
        "/api/communes",
        "/healthz",
    ] {
        assert!(paths.contains_key(p), "{p}");
    }
    // A report answered validates against the document's Rapport schema.
    let mut root = doc.clone();
    root["$ref"] = Value::from("#/components/schemas/Rapport");
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&root)
        .expect("the document's schemas compile");
    let report = post(
        &s.url("/api/check"),
        "application/json",
        LOIRET_GP.as_bytes(),
    )
    .json();
    assert!(validator.is_valid(&report));
    assert!(
        !validator.is_valid(&serde_json::json!({"x": 1})),
        "the schema tests something"
    );
}

#[test]
fn the_server_stops_on_sigterm_within_ten_seconds() {
    let mut s = Server::start(&[]);
    assert_eq!(get(&s.url("/healthz")).status, 200);
    let pid = s.child.id().to_string();
    let t = Instant::now();
    let _ = Command::new("kill").args(["-TERM", &pid]).status();
    let mut stopped = false;
    while t.elapsed() < Duration::from_secs(11) {
        if s.child.try_wait().expect("wait").is_some() {
            stopped = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(stopped, "stopped within 10 s");
    assert!(TcpStream::connect(&s.addr).is_err(), "no longer listening");
}

/// Splits a shell line into words (single quotes only, as the README writes them).
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in line.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any {
                    out.push(std::mem::take(&mut word));
                    any = false;
                }
            }
            c => {
                word.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(word);
    }
    out
}

#[test]
fn readme_api_examples_answer() {
    let readme = std::fs::read_to_string("README.md").expect("README");
    let start = readme
        .find("## For advisors: the HTTP API")
        .expect("the API section");
    let section = &readme[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |e| e + 3)];
    let server = Server::start(&[]);
    let mut count = 0;
    for line in section.lines().filter(|l| l.starts_with("curl ")) {
        let args = words(line);
        let (mut url, mut content_type, mut data) = (String::new(), None, None);
        let mut i = 1;
        while i < args.len() {
            match args[i].as_str() {
                "-s" => {}
                "-H" => {
                    i += 1;
                    content_type = args[i].strip_prefix("Content-Type: ").map(str::to_owned);
                }
                "-d" | "--data-binary" => {
                    i += 1;
                    data = Some(match args[i].strip_prefix('@') {
                        Some(file) => std::fs::read(file).expect("the example's file"),
                        None => args[i].clone().into_bytes(),
                    });
                }
                other => {
                    url =
                        other.replace("http://127.0.0.1:8080", &format!("http://{}", server.addr));
                }
            }
            i += 1;
        }
        assert!(url.starts_with("http://"), "{line}");
        let r = match &data {
            Some(body) => post(&url, content_type.as_deref().unwrap_or(""), body),
            None => get(&url),
        };
        assert_eq!(r.status, 200, "{line}\n{}", r.text());
        for l in r
            .text()
            .lines()
            .filter(|l| content_type.as_deref() == Some("application/x-ndjson") && !l.is_empty())
        {
            serde_json::from_str::<Value>(l).expect("an NDJSON line");
        }
        if content_type.as_deref() != Some("application/x-ndjson") {
            r.json();
        }
        count += 1;
    }
    assert!(count >= 7, "the README's curl examples are found ({count})");
}

#[test]
fn a_profile_over_1_mib_is_413_at_once_and_a_body_without_length_411() {
    let s = Server::start(&[]);
    let mut big = b"{\"id\":\"".to_vec();
    big.extend(std::iter::repeat_n(b'a', 2 << 20));
    big.extend_from_slice(b"\"}");
    let r = post(&s.url("/api/check"), "application/json", &big);
    assert_eq!(r.status, 413, "{}", r.text());
    assert!(
        r.json()["erreur"]
            .as_str()
            .is_some_and(|e| e.contains("profil trop long"))
    );
    let r = post(
        &s.url("/api/explain/primo-installation-zip"),
        "application/json",
        &big,
    );
    assert_eq!(r.status, 413);
    // A batch of pretty-printed objects over 1 MiB is not one profile: it is answered.
    let mut batch = b"{\"id\":\"".to_vec();
    batch.extend(std::iter::repeat_n(b'b', 1_000_000));
    batch.extend_from_slice(b"\", \"zone\": \"ZIP\"}\n");
    for _ in 0..10 {
        batch.extend_from_slice(&[b' '; 10_000]);
        batch.extend_from_slice(b"{\"zone\": \"ZIP\", \"secteur\": 1}\n");
    }
    assert!(batch.len() > 1 << 20);
    let r = post(
        &s.url("/api/check?format=ndjson&date=2026-03-01"),
        "application/json",
        &batch,
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.text().lines().count(), 11, "every profile answered");
    let want = cli_on(
        std::str::from_utf8(&batch).expect("UTF-8"),
        &["check", "-q", "--format", "ndjson", "--date", "2026-03-01"],
        "over-1-mib.json",
    );
    assert!(r.body == want, "as the CLI answers it");
    let head = raw(
        &s,
        b"POST /api/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n",
    );
    assert!(head.starts_with("HTTP/1.1 411"), "{head}");
}

#[test]
fn over_the_concurrency_bound_the_answer_is_503_then_the_server_recovers() {
    let s = Server::start(&[]);
    // 64 requests that hold their place: a body announced and not sent.
    let held: Vec<TcpStream> = (0..64)
        .map(|_| {
            let mut c = TcpStream::connect(&s.addr).expect("connect");
            c.write_all(b"POST /api/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
                .expect("write");
            c
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let busy = get(&s.url("/healthz"));
    assert_eq!(busy.status, 503, "{}", busy.text());
    assert!(
        busy.json()["erreur"]
            .as_str()
            .is_some_and(|e| e.contains("occupé"))
    );
    drop(held);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(get(&s.url("/healthz")).status, 200);
}

#[test]
fn a_place_answered_by_a_postal_code_is_not_asked_again() {
    let s = Server::start(&["--date", "02/03/2026"]);
    let page = get(&s.url("/?projet=installation&q=commune&r=45000")).text();
    let (hidden, next) = form(&page);
    assert!(
        hidden.contains(&("code_postal".to_owned(), "45000".to_owned())),
        "{hidden:?}"
    );
    assert!(
        hidden.contains(&("commune".to_owned(), "?".to_owned())),
        "{hidden:?}"
    );
    assert!(
        !["commune", "code_postal", "departement"].contains(&next.as_str()),
        "the place is not asked again: {next}"
    );
    let wrong = get(&s.url("/?q=commune&r=Nullepartville"));
    assert_eq!(wrong.status, 400);
    assert!(wrong.text().contains("Nullepartville") && wrong.text().contains("role=\"alert\""));
}

/// The peak resident memory of a process, in kB (Linux).
fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
}

#[test]
fn a_large_batch_streams_in_order_in_flat_memory() {
    let server = Server::start(&["--date", "02/03/2026"]);
    let Some(before) = peak_rss_kb(server.child.id()) else {
        return; // not Linux: nothing to measure
    };
    let n = 100_000;
    let mut conn = TcpStream::connect(&server.addr).expect("connect");
    conn.set_read_timeout(Some(Duration::from_mins(1)))
        .expect("timeout");
    conn.write_all(b"POST /api/check?format=ndjson HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
        .expect("head");
    // The profiles are sent while the answers are read, as a streaming client does.
    let mut w = conn.try_clone().expect("clone");
    let sender = std::thread::spawn(move || {
        let line = b"{\"zone\":\"ZIP\",\"secteur\":1,\"departement\":\"45\",\"projet\":\"installation\"}\n";
        let chunk: Vec<u8> = line.repeat(1000);
        for _ in 0..n / 1000 {
            let size = format!("{:x}\r\n", chunk.len());
            if w.write_all(size.as_bytes())
                .and_then(|()| w.write_all(&chunk))
                .and_then(|()| w.write_all(b"\r\n"))
                .is_err()
            {
                return;
            }
        }
        let _ = w.write_all(b"0\r\n\r\n");
    });
    let mut r = BufReader::new(conn);
    let mut head = String::new();
    while r.read_line(&mut head).expect("head") > 2 {}
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    // The chunked answer, decoded: some 65 MB, one compact report a line.
    let (mut lines, mut bytes) = (0usize, 0usize);
    loop {
        let mut size = String::new();
        r.read_line(&mut size).expect("chunk size");
        let size = usize::from_str_radix(size.trim(), 16).expect("hex size");
        if size == 0 {
            break;
        }
        let mut data = vec![0; size + 2];
        r.read_exact(&mut data).expect("chunk");
        lines += memchr::memchr_iter(b'\n', &data[..size]).count();
        bytes += size;
    }
    sender.join().expect("sender");
    assert_eq!(lines, n, "one report a line");
    let after = peak_rss_kb(server.child.id()).expect("status");
    assert!(bytes > 60 << 20, "{bytes} bytes answered");
    assert!(
        after.saturating_sub(before) < 24 << 10,
        "memory stays flat: peak {before} kB → {after} kB for {bytes} bytes answered"
    );
}

/// The Loiret GP's answers as the page's query keeps them.
const LOIRET_GP_QUERY: &str = "departement=45&zone=ZIP&secteur=1&exercice=liberal&specialite=medecine-generale&projet=installation&primo_installation=oui&aide_installation_10_ans=non&date_installation=2026-03-02";

/// A page's text with its no-break spaces as spaces.
fn plain(html: &str) -> String {
    html.replace(['\u{a0}', '\u{202f}'], " ")
}

/// Asserts that a page speaks no command line: no flag the CLI's text names, no « lu : » (the
/// rule texts' own notes may name a flag).
fn no_cli_words(html: &str) {
    for word in [
        "--all",
        "--detail",
        "--exercice",
        "--projet",
        "--zone",
        "--departement",
        "--format",
        "aides explain",
        "aides guide",
        "lu : ",
        "<pre",
    ] {
        assert!(!html.contains(word), "« {word} » on the page: {html}");
    }
}

/// What the page says before its « same answer elsewhere » section (the command line has flags).
fn before_command(html: &str) -> &str {
    html.split("id=\"commande\"").next().unwrap_or(html)
}

#[test]
fn the_answer_page_is_html_built_from_the_report_with_links_for_the_flags() {
    let s = Server::start(&["--date", "02/03/2026"]);
    let r = get(&s.url(&format!("/reponse?{LOIRET_GP_QUERY}")));
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), "text/html; charset=utf-8");
    assert_eq!(
        r.header("cache-control"),
        "no-store",
        "answers carry a profile"
    );
    let html = plain(&r.text());
    let answer = before_command(&html);
    no_cli_words(answer);
    // The eligible aids, as a list with headings, the 10 000 € and the total.
    let eligibles = answer
        .split("<h2 id=\"eligibles\">Vos aides éligibles</h2>")
        .nth(1)
        .expect("a section of eligible aids");
    let eligibles = eligibles.split("</section>").next().unwrap_or_default();
    assert!(
        eligibles.contains("<li class=\"aide\"><h3>")
            && eligibles.contains(
                "Aide à la primo-installation en zone d'intervention prioritaire (ZIP)</a>"
            )
            && eligibles.contains("<p>10 000 € · CPAM</p>")
            && eligibles.contains("<p class=\"total\">Total : 10 000 € en versements uniques"),
        "{eligibles}"
    );
    // « Que faire maintenant »: a numbered step with the CPAM du Loiret's address as a mailto link.
    let steps = answer
        .split("<h2 id=\"a-faire\">Que faire maintenant</h2>")
        .nth(1)
        .expect("the steps");
    assert!(
        steps.starts_with(&format!(
            "<ol class=\"etapes\"><li><p>Contactez la CPAM du Loiret : <a href=\"mailto:{EMAIL}\">{EMAIL}</a>"
        )),
        "{steps}"
    );
    // An aid's name leads to its explanation for this profile; --all and --detail are links.
    assert!(answer.contains(&format!(
        "<a href=\"/aides/primo-installation-zip?{}\">",
        LOIRET_GP_QUERY.replace('&', "&amp;")
    )));
    let q = LOIRET_GP_QUERY.replace('&', "&amp;");
    assert!(
        answer.contains(&format!(
            "<a href=\"/reponse?{q}&amp;all=oui\">voir aussi les aides non éligibles</a>"
        )),
        "{answer}"
    );
    assert!(answer.contains(&format!(
        "<a href=\"/reponse?{q}&amp;detail=oui\">détail</a>"
    )));
    // « Vos réponses » with a « changer » link per answer, and no stray `?&`.
    assert!(html.contains("<h2 id=\"deja\">Vos réponses</h2>"));
    assert!(
        html.contains(&format!("href=\"/?{q}&amp;q=zone\"")),
        "{html}"
    );
    assert!(!html.contains("?&amp;") && !html.contains("?&"), "{html}");

    // all=oui lists the aids not eligible, with the condition not met; detail=oui every condition.
    let all = plain(&get(&s.url(&format!("/reponse?{LOIRET_GP_QUERY}&all=oui"))).text());
    let refused = all
        .split("<h2 id=\"non-eligibles\">Non éligibles</h2>")
        .nth(1)
        .expect("the aids not eligible");
    assert!(refused.contains("<p>non rempli : "), "{refused}");
    assert!(all.contains("Sans les aides non éligibles</a>"));
    let detail = plain(&get(&s.url(&format!("/reponse?{LOIRET_GP_QUERY}&detail=oui"))).text());
    assert!(
        detail.contains("<span class=\"invisible\">vrai : </span>Exercice libéral"),
        "{detail}"
    );
    no_cli_words(before_command(&detail));
    // An unknown parameter or a bad switch: a French page, 400.
    for (query, said) in [
        ("tout=oui", "paramètre « tout » inconnu"),
        ("all=peut-etre", "valeur « peut-etre » invalide pour all"),
    ] {
        let r = get(&s.url(&format!("/reponse?zone=ZIP&{query}")));
        assert_eq!(r.status, 400, "{query}");
        assert_eq!(r.header("content-type"), "text/html; charset=utf-8");
        assert!(r.text().contains(said), "{query}: {}", r.text());
    }
}

#[test]
fn what_remains_to_ask_links_to_the_question_and_the_explanation_has_no_cli_words() {
    let s = Server::start(&["--date", "02/03/2026"]);
    let html = plain(&get(&s.url("/reponse?departement=45")).text());
    let ask = html
        .split("<h2 id=\"a-preciser\">À préciser</h2>")
        .nth(1)
        .expect("questions remain");
    assert!(
        ask.contains(
            "<a href=\"/?departement=45&amp;q=projet\">Quel est l'objet de votre demande ?</a>"
        ),
        "{ask}"
    );
    assert!(ask.contains("autres questions, une à une</a>"), "{ask}");
    no_cli_words(before_command(&html));
    // Without any answer, the links begin with the question, not a stray `&`.
    let empty = get(&s.url("/reponse")).text();
    assert!(empty.contains("href=\"/?q=projet\""), "{empty}");
    assert!(!empty.contains("?&"), "{empty}");

    let explain = get(&s.url("/aides/primo-installation-zip?departement=45")).text();
    assert_eq!(
        get(&s.url("/aides/primo-installation-zip?departement=45")).header("cache-control"),
        "no-store"
    );
    no_cli_words(&explain);
    assert!(
        explain.contains(
            "Mode d'exercice : inconnu · <a href=\"/?departement=45&amp;q=exercice\">répondre"
        ),
        "{explain}"
    );
    let show = get(&s.url("/aides/primo-installation-zip")).text();
    no_cli_words(&show);
    assert!(
        show.contains("<dt>Montant</dt><dd>10\u{a0}000\u{a0}€</dd>")
            || plain(&show).contains("<dt>Montant</dt><dd>10 000 €</dd>"),
        "{show}"
    );
    assert!(show.contains("<h2 id=\"sources\">Sources</h2>"));
}

#[test]
fn the_home_page_introduces_the_tool_and_the_catalogue_names_regions() {
    let s = Server::start(&["--date", "02/03/2026"]);
    let home = get(&s.url("/"));
    let html = home.text();
    let intro = html.find("class=\"intro\"").expect("an introduction");
    let question = html.find("<h1>").expect("a question");
    assert!(
        intro < question,
        "the intro comes before the first question"
    );
    assert!(html.contains(
        "Les aides à l'installation auxquelles vous avez droit, en quelques questions (au 02/03/2026)."
    ));
    assert!(html.contains("Rien n'est enregistré"));
    assert!(html.contains("Règles vérifiées contre leurs sources le "));
    // The intro is for the first page only.
    let second = get(&s.url("/?projet=installation"));
    assert!(!second.text().contains("class=\"intro\""));
    assert_eq!(second.header("cache-control"), "no-store");

    let catalogue = get(&s.url("/aides")).text();
    assert!(catalogue.contains("<td data-titre=\"Région\">Hauts-de-France</td>"));
    assert!(!catalogue.contains(">hauts-de-france<") && !catalogue.contains(">occitanie<"));

    // The icon browsers ask for, and the commune completion on the commune question only.
    let icon = get(&s.url("/favicon.ico"));
    assert_eq!(
        (icon.status, icon.header("content-type")),
        (200, "image/svg+xml")
    );
    let js = get(&s.url("/static/communes.js"));
    assert_eq!(js.status, 200);
    assert!(js.text().contains("/api/communes?q="));
    let commune = get(&s.url("/?q=commune")).text();
    assert!(commune.contains("<script src=\"/static/communes.js\" defer></script>"));
    assert!(commune.contains("data-communes"));
    assert!(
        !html.contains("<script"),
        "no script on the other questions"
    );
}

#[test]
fn browser_routes_answer_french_html_errors_and_the_api_json() {
    let s = Server::start(&["--date", "02/03/2026"]);
    let long = "a".repeat(10 * 1024);
    let html = |r: &Got, status: u16, said: &str| {
        assert_eq!(r.status, status, "{}", r.text());
        assert_eq!(r.header("content-type"), "text/html; charset=utf-8");
        let text = r.text();
        assert!(
            text.contains("<html lang=\"fr\">") && text.contains(said),
            "{text}"
        );
        assert!(text.contains("<a href=\"/\">"), "a link back: {text}");
    };
    let json = |r: &Got, status: u16| {
        assert_eq!(r.status, status, "{}", r.text());
        assert_eq!(r.header("content-type"), "application/json");
        assert!(r.json()["erreur"].is_string());
    };
    html(&get(&s.url("/nulle-part")), 404, "Page introuvable");
    json(&get(&s.url("/api/nulle-part")), 404);
    html(
        &get(&s.url(&format!("/reponse?zone={long}"))),
        414,
        "adresse trop longue",
    );
    json(&get(&s.url(&format!("/api/check?zone={long}"))), 414);
    html(&get(&s.url("/reponse?zone=ZOP")), 400, "zone");
    json(&get(&s.url("/api/check?zone=ZOP")), 400);
    html(&get(&s.url("/aides/%FF")), 400, "adresse illisible");
    json(&get(&s.url("/api/aides/%FF")), 400);
    html(
        &post(&s.url("/reponse"), "text/plain", b"x"),
        405,
        "méthode POST non acceptée ici",
    );
    json(&post(&s.url("/api/aides"), "text/plain", b"x"), 405);
    html(
        &get(&s.url("/aides/primo-installation")),
        404,
        "primo-installation",
    );
}

#[test]
fn communes_rank_the_exact_name_then_the_names_then_the_codes() {
    let s = Server::start(&[]);
    let names = |q: &str| -> Vec<String> {
        get(&s.url(&format!("/api/communes?q={q}")))
            .json()
            .as_array()
            .expect("an array")
            .iter()
            .map(|c| {
                format!(
                    "{} ({})",
                    c["nom"].as_str().unwrap_or(""),
                    c["departement"].as_str().unwrap_or("")
                )
            })
            .collect()
    };
    let orl = names("orl");
    assert_eq!(
        orl.first().map(String::as_str),
        Some("Orléans (45)"),
        "{orl:?}"
    );
    let mut sorted = orl.clone();
    sorted[1..].sort_by_key(|n| aides::fr::cle(n));
    assert_eq!(orl, sorted, "then alphabetical: {orl:?}");
    // Accents typed apart from their letter (not NFC), and « St » for « Saint », as the CLI reads them.
    assert_eq!(
        names("orle%CC%81ans").first().map(String::as_str),
        Some("Orléans (45)")
    );
    let st = names("st%20denis");
    assert!(
        st.iter().take(2).all(|n| n.starts_with("Saint-Denis (")),
        "{st:?}"
    );
    // A code finds its communes after the names.
    let code = names("45000");
    assert_eq!(
        code.first().map(String::as_str),
        Some("Orléans (45)"),
        "{code:?}"
    );
}
