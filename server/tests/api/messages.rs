//! Messages that reach people off the portal: each notification is queued in the outbox with
//! the action that made it and delivered by the channels its owner chose, against real local
//! peers — an HTTP endpoint standing in for the SMS provider, and aiosmtpd for e-mail.

use crate::support::{on_both_backends, temp_dir, TestApp};
use anju_domain::Role;
use anju_server::outbox::{deliver_due, Round};
use anju_server::sms::SmsSender;
use anju_server::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

on_both_backends!(
    residents_choose_their_channels_and_see_what_went_out,
    a_text_that_fails_is_retried_later_and_never_undoes_the_action,
    two_workers_send_each_message_exactly_once,
);

/// A stand-in for the SMS provider on a local port: it answers `503` to the first
/// `failures` requests, then takes each message.
#[derive(Clone, Default)]
struct SmsPeer {
    received: Arc<Mutex<Vec<(String, String)>>>,
    requests: Arc<AtomicUsize>,
    failures: Arc<AtomicUsize>,
}

impl SmsPeer {
    async fn start(failures: usize) -> (SmsPeer, String) {
        let peer = SmsPeer::default();
        peer.failures.store(failures, Ordering::SeqCst);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}/send", listener.local_addr().unwrap());
        let router = axum::Router::new()
            .route("/send", axum::routing::post(take))
            .with_state(peer.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        (peer, url)
    }

    fn texts_to(&self, phone: &str) -> Vec<String> {
        self.received
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, _)| p == phone)
            .map(|(_, t)| t.clone())
            .collect()
    }
}

async fn take(State(peer): State<SmsPeer>, axum::Json(body): axum::Json<Value>) -> StatusCode {
    peer.requests.fetch_add(1, Ordering::SeqCst);
    let failing = peer
        .failures
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    if failing {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    peer.received.lock().unwrap().push((
        body["phone"].as_str().unwrap_or_default().to_owned(),
        body["text"].as_str().unwrap_or_default().to_owned(),
    ));
    StatusCode::OK
}

/// A resident's complaint, acknowledged by the community office (which tells the resident).
async fn acknowledged_complaint(app: &TestApp, resident: &str, key: &str) -> Value {
    let case = app
        .post(
            "/api/cases",
            Some(resident),
            json!({ "client_key": key, "category": "home-repair", "description": "楼道灯不亮" }),
        )
        .await;
    assert_eq!(case.status, StatusCode::CREATED, "{}", case.body);
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let r = app
        .post(
            &format!("/api/cases/{}/actions", case.body["id"]),
            Some(&staff),
            json!({ "action": "acknowledge" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    case.body
}

async fn outbox_states(app: &TestApp) -> Vec<String> {
    app.strings("SELECT channel || ':' || state || ':' || attempts FROM outbox ORDER BY id")
        .await
}

async fn residents_choose_their_channels_and_see_what_went_out(app: TestApp) {
    let resident = app.register("13900000300").await;
    let view = app.get("/api/me/channels", Some(&resident)).await;
    assert_eq!(view.status, StatusCode::OK);
    // Texts are on by default for residents: an elder opens the portal rarely.
    assert_eq!(
        view.body["chosen"],
        json!({ "sms": true, "email": false, "email_address": null })
    );
    assert_eq!(view.body["email_available"], false);
    assert_eq!(view.body["phone_masked"], "139****0300");
    // Staff work at the desk: no texts unless they ask for them.
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let staff_view = app.get("/api/me/channels", Some(&staff)).await;
    assert_eq!(staff_view.body["chosen"]["sms"], false);

    // E-mail cannot be chosen where no mail server is configured; a bad address is named.
    let r = app
        .put(
            "/api/me/channels",
            Some(&resident),
            json!({ "sms": true, "email": true, "email_address": "zhang@example.cn" }),
        )
        .await;
    crate::support::assert_envelope(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(r.body["fields"]["email"]["message"]
        .as_str()
        .unwrap()
        .contains("电子邮件"));
    let r = app
        .put(
            "/api/me/channels",
            Some(&resident),
            json!({ "sms": true, "email": false, "email_address": "zhang at example" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body["fields"]["email_address"]["message_en"]
        .as_str()
        .unwrap()
        .contains("e-mail address"));
    let r = app
        .put("/api/me/channels", Some(&resident), json!({ "sms": "yes" }))
        .await;
    assert!(r.status.is_client_error(), "{}", r.body);

    // Texts off: the notification is in the portal, nothing is queued.
    let r = app
        .put(
            "/api/me/channels",
            Some(&resident),
            json!({ "sms": false, "email": false }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["chosen"]["sms"], false);
    assert_eq!(
        app.audit_details("account.channels").await,
        ["sms=false email=false email_address=none"]
    );
    acknowledged_complaint(&app, &resident, "m-1").await;
    assert_eq!(
        app.get("/api/notifications", Some(&resident)).await.body["unread"],
        1
    );
    assert!(outbox_states(&app).await.is_empty());

    // Texts on again: the next step goes out by text, short, signed and plain.
    app.put(
        "/api/me/channels",
        Some(&resident),
        json!({ "sms": true, "email": false }),
    )
    .await;
    let case = acknowledged_complaint(&app, &resident, "m-2").await;
    assert_eq!(outbox_states(&app).await, ["sms:pending:0"]);
    let round = deliver_due(&app.state, "worker-a").await.unwrap();
    assert_eq!(
        round,
        Round {
            sent: 1,
            ..Round::default()
        }
    );
    assert_eq!(outbox_states(&app).await, ["sms:sent:1"]);
    let sent = app.state.settings.sms.sent();
    let text = &sent.last().unwrap().text;
    assert_eq!(sent.last().unwrap().phone, "13900000300");
    assert!(text.starts_with("【安居】"), "{text}");
    assert!(text.contains(case["reference"].as_str().unwrap()), "{text}");
    assert!(text.chars().count() <= 75, "{text}");

    // The resident sees what went out.
    let view = app.get("/api/me/channels", Some(&resident)).await;
    assert_eq!(view.body["recent"][0]["channel"], "sms");
    assert_eq!(view.body["recent"][0]["state"], "sent");
    // Nothing is sent twice.
    assert_eq!(
        deliver_due(&app.state, "worker-a").await.unwrap(),
        Round::default()
    );
    assert_eq!(
        app.get("/api/me/channels", None).await.status,
        StatusCode::UNAUTHORIZED
    );
}

async fn a_text_that_fails_is_retried_later_and_never_undoes_the_action(app: TestApp) {
    let (peer, url) = SmsPeer::start(1).await;
    let worker = app
        .second_state(|s| s.sms = SmsSender::http(&url, None).unwrap())
        .await;
    let resident = app.register("13900000301").await;
    let case = acknowledged_complaint(&app, &resident, "m-3").await;

    // The provider fails: the acknowledgement stands, the text waits.
    assert_eq!(
        deliver_due(&worker, "w").await.unwrap(),
        Round {
            retrying: 1,
            ..Round::default()
        }
    );
    assert_eq!(outbox_states(&app).await, ["sms:pending:1"]);
    let shown = app
        .get(&format!("/api/cases/{}", case["id"]), Some(&resident))
        .await;
    assert_eq!(shown.body["state"], "acknowledged", "{}", shown.body);
    // Not again at once (back-off), but after the wait.
    assert_eq!(deliver_due(&worker, "w").await.unwrap(), Round::default());
    app.state.clock.advance(31);
    assert_eq!(
        deliver_due(&worker, "w").await.unwrap(),
        Round {
            sent: 1,
            ..Round::default()
        }
    );
    assert_eq!(peer.requests.load(Ordering::SeqCst), 2);
    assert_eq!(peer.texts_to("13900000301").len(), 1);
    assert_eq!(outbox_states(&app).await, ["sms:sent:2"]);

    // A provider that never recovers: given up after the last try, and the person sees it.
    let (dead, dead_url) = SmsPeer::start(usize::MAX).await;
    let worker = app
        .second_state(|s| s.sms = SmsSender::http(&dead_url, None).unwrap())
        .await;
    acknowledged_complaint(&app, &resident, "m-4").await;
    let mut tries = 0;
    loop {
        let round = deliver_due(&worker, "w").await.unwrap();
        if round == Round::default() {
            break;
        }
        tries += 1;
        app.state.clock.advance(3601);
    }
    assert_eq!(tries, anju_domain::notification::DELIVERY_MAX_ATTEMPTS);
    assert_eq!(
        dead.requests.load(Ordering::SeqCst) as i64,
        anju_domain::notification::DELIVERY_MAX_ATTEMPTS
    );
    assert_eq!(outbox_states(&app).await[1], "sms:failed:8");
    // Eight hours on, the session has lapsed: signed in again.
    let resident = app
        .sign_in("13900000301", "a quiet courtyard")
        .await
        .cookie()
        .unwrap();
    let view = app.get("/api/me/channels", Some(&resident)).await;
    assert_eq!(view.body["recent"][0]["state"], "failed");
}

async fn two_workers_send_each_message_exactly_once(app: TestApp) {
    let (peer, url) = SmsPeer::start(0).await;
    let with_peer = |s: &mut anju_server::Settings| s.sms = SmsSender::http(&url, None).unwrap();
    let a = app.second_state(with_peer).await;
    let b = app.second_state(with_peer).await;
    app.register("13900000302").await;
    let account: i64 = app
        .strings("SELECT CAST(id AS TEXT) FROM accounts WHERE phone = '13900000302'")
        .await[0]
        .parse()
        .unwrap();
    // Forty notifications, made the way every action makes them.
    let now = app.state.clock.now();
    let mut tx = app.state.db.begin().await.unwrap();
    for i in 0..40 {
        tx.notify(
            account,
            now,
            "case_update",
            None,
            &format!("第 {i} 条消息"),
            "A message",
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();

    let (ra, rb) = tokio::join!(deliver_due(&a, "worker-a"), deliver_due(&b, "worker-b"));
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!(ra.sent + rb.sent, 40, "{ra:?} {rb:?}");
    let mut texts = peer.texts_to("13900000302");
    assert_eq!(texts.len(), 40);
    texts.sort();
    texts.dedup();
    assert_eq!(texts.len(), 40, "a message was sent twice");

    // A worker that claimed a row and died: the row waits out the claim, then another worker
    // sends it, and the dead worker's late report changes nothing.
    let mut tx = app.state.db.begin().await.unwrap();
    tx.notify(
        account,
        now,
        "case_update",
        None,
        "最后一条",
        "The last one",
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let t = app.state.clock.now();
    let claimed =
        a.db.claim_deliveries("worker-dead", t, t + 120, 20)
            .await
            .unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(deliver_due(&b, "worker-b").await.unwrap(), Round::default());
    app.state.clock.advance(121);
    assert_eq!(
        deliver_due(&b, "worker-b").await.unwrap(),
        Round {
            sent: 1,
            ..Round::default()
        }
    );
    let late =
        a.db.finish_delivery(
            claimed[0].id,
            "worker-dead",
            app.state.clock.now(),
            &anju_server::db::outbox::DeliveryOutcome::Sent,
        )
        .await
        .unwrap();
    assert!(!late, "a lost claim must not record a delivery");
    assert_eq!(peer.texts_to("13900000302").len(), 41);
}

/// E-mail through aiosmtpd, started here: `ANJU_TEST_AIOSMTPD_PYTHON` names a Python with
/// the `aiosmtpd` package (`cargo xtask test` makes one under `target/`).
mod email_by_smtp {
    #[tokio::test]
    #[ignore = "needs ANJU_TEST_AIOSMTPD_PYTHON (cargo xtask test sets it)"]
    async fn sqlite() {
        let (config, server) = super::MailServer::prepare();
        let app = crate::support::TestApp::sqlite_with(config).await;
        super::email_reaches_a_real_mail_server_after_it_was_down(app, server).await;
    }

    #[tokio::test]
    #[ignore = "needs ANJU_TEST_POSTGRES_URL and ANJU_TEST_AIOSMTPD_PYTHON"]
    async fn postgres() {
        let (config, server) = super::MailServer::prepare();
        let app = crate::support::TestApp::postgres_with(config).await;
        super::email_reaches_a_real_mail_server_after_it_was_down(app, server).await;
    }
}

/// A child process stopped when the test ends, passed or not.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct MailServer {
    python: String,
    port: u16,
    maildir: crate::support::TempDir,
}

impl MailServer {
    /// Settings pointing at a port where the mail server is not running yet.
    fn prepare() -> (impl FnOnce(&mut anju_server::Settings), MailServer) {
        let python = std::env::var("ANJU_TEST_AIOSMTPD_PYTHON")
            .expect("ANJU_TEST_AIOSMTPD_PYTHON: a Python with aiosmtpd");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = format!("smtp://127.0.0.1:{port}");
        let config = move |s: &mut anju_server::Settings| {
            s.mail = Some(
                anju_server::mail::Mailer::new(&url, "安居 <noreply@anju.test>", None).unwrap(),
            )
        };
        (
            config,
            MailServer {
                python,
                port,
                maildir: temp_dir(),
            },
        )
    }

    async fn start(&self) -> Running {
        let child = std::process::Command::new(&self.python)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{}", self.port))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(self.maildir.0.join("mail"))
            .spawn()
            .expect("start aiosmtpd");
        let child = Running(child);
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                return child;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("aiosmtpd did not start on port {}", self.port);
    }

    /// Each received message as Python's e-mail parser reads it: To, Subject, then the body.
    fn received(&self) -> Vec<String> {
        let dir = self.maildir.0.join("mail").join("new");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Vec::new();
        };
        entries
            .map(|e| {
                let out = std::process::Command::new(&self.python)
                    .args([
                        "-c",
                        "import sys, email, email.policy\n\
                         m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)\n\
                         print(m['To']); print(m['Subject']); print(m.get_content())",
                    ])
                    .arg(e.unwrap().path())
                    .output()
                    .expect("python");
                assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
                String::from_utf8(out.stdout).unwrap()
            })
            .collect()
    }
}

async fn email_reaches_a_real_mail_server_after_it_was_down(app: TestApp, mail: MailServer) {
    let resident = app.register("13900000303").await;
    let view = app.get("/api/me/channels", Some(&resident)).await;
    assert_eq!(view.body["email_available"], true);
    let r = app
        .put(
            "/api/me/channels",
            Some(&resident),
            json!({ "sms": false, "email": true, "email_address": " zhang@example.cn " }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["chosen"]["email_address"], "zhang@example.cn");
    let case = acknowledged_complaint(&app, &resident, "m-5").await;

    // The mail server is down: the action stands, the message waits.
    let state: &AppState = &app.state;
    assert_eq!(
        deliver_due(state, "w").await.unwrap(),
        Round {
            retrying: 1,
            ..Round::default()
        }
    );
    let _server = mail.start().await;
    app.state.clock.advance(31);
    assert_eq!(
        deliver_due(state, "w").await.unwrap(),
        Round {
            sent: 1,
            ..Round::default()
        }
    );
    let received = mail.received();
    assert_eq!(received.len(), 1, "{received:?}");
    let message = &received[0];
    assert!(
        message.starts_with("zhang@example.cn\n【安居】"),
        "{message}"
    );
    assert!(
        message.contains(case["reference"].as_str().unwrap()),
        "{message}"
    );
    assert!(message.contains("我的账户"), "{message}");
    assert_eq!(outbox_states(&app).await, ["email:sent:2"]);
    // No text went out: texts were switched off.
    assert!(app
        .state
        .settings
        .sms
        .sent()
        .iter()
        .all(|m| m.phone != "13900000303" || m.text.contains("验证码")));
}
