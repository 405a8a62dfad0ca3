use anju_server::db::Db;
use anju_server::demo::{self, DemoPlaces};
use anju_server::{router, AppState, DatabaseUrl, Policy, Settings};
use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use tower::ServiceExt;

/// Generates `<name>::sqlite` and `<name>::postgres` tests from one `async fn name(TestApp)`.
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name(crate::support::TestApp::sqlite().await).await;
            }
            #[tokio::test]
            #[ignore = "needs ANJU_TEST_POSTGRES_URL; run with --ignored"]
            async fn postgres() {
                super::$name(crate::support::TestApp::postgres().await).await;
            }
        }
    )+};
}
pub(crate) use on_both_backends;

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    pub places: DemoPlaces,
    /// How to open the same database again, as a second server instance would.
    reopen: Reopen,
    _dir: Option<TempDir>,
}

#[derive(Clone)]
enum Reopen {
    Sqlite(String),
    Postgres(Box<sqlx::postgres::PgConnectOptions>),
}

pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Response {
    /// The session cookie the response set, as `name=value`.
    pub fn cookie(&self) -> Option<String> {
        self.set_cookie()
            .map(|c| c.split(';').next().unwrap_or_default().to_owned())
    }
    pub fn set_cookie(&self) -> Option<String> {
        self.headers
            .get(header::SET_COOKIE)
            .map(|v| v.to_str().unwrap_or_default().to_owned())
    }
}

pub struct TempDir(pub PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn temp_dir() -> TempDir {
    let dir = std::env::temp_dir().join(format!("anju-test-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    TempDir(dir)
}

fn settings(url: &str, dist: PathBuf) -> Settings {
    Settings {
        object_store: None,
        database_url: DatabaseUrl::new(url),
        upload_dir: dist.with_file_name("uploads"),
        asset_archive: None,
        dist_dir: dist,
        secure_cookies: false,
        policy: Policy::default(),
        keys: anju_server::crypto::Keyring::generate(),
        sms: anju_server::sms::SmsSender::recording(),
        mail: None,
    }
}

impl TestApp {
    pub async fn sqlite() -> TestApp {
        Self::sqlite_with(|_| {}).await
    }

    pub async fn sqlite_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
        let dir = temp_dir();
        let url = format!("sqlite://{}/anju.db", dir.0.display());
        let db = Db::connect(&DatabaseUrl::new(&url))
            .await
            .expect("open sqlite");
        let mut s = settings(&url, dir.0.join("dist"));
        configure(&mut s);
        Self::start(db, s, Reopen::Sqlite(url), Some(dir)).await
    }

    /// A fresh schema in the test database, so tests never see each other's rows.
    pub async fn postgres() -> TestApp {
        Self::postgres_with(|_| {}).await
    }

    pub async fn postgres_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
        let url = std::env::var("ANJU_TEST_POSTGRES_URL")
            .expect("ANJU_TEST_POSTGRES_URL must point at a PostgreSQL test database");
        let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
        let admin = sqlx::PgPool::connect(&url)
            .await
            .expect("connect to PostgreSQL");
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&admin)
            .await
            .expect("create schema");
        admin.close().await;
        let options = sqlx::postgres::PgConnectOptions::from_str(&url)
            .expect("postgres url")
            .options([("search_path", schema.as_str())]);
        let db = Db::connect_postgres(options.clone())
            .await
            .expect("connect");
        let dir = temp_dir();
        let mut s = settings(&url, dir.0.join("dist"));
        configure(&mut s);
        Self::start(db, s, Reopen::Postgres(Box::new(options)), Some(dir)).await
    }

    async fn start(db: Db, settings: Settings, reopen: Reopen, dir: Option<TempDir>) -> TestApp {
        db.migrate().await.expect("migrate");
        let places = demo::seed_places(&db).await.expect("seed places");
        let state = AppState::new(db, settings);
        TestApp {
            router: router(state.clone()),
            state,
            places,
            reopen,
            _dir: dir,
        }
    }

    /// Another server on the same database (its own pools, its own router), as a second
    /// `anju` instance behind a load balancer would be.
    pub async fn second_instance(&self) -> Router {
        router(AppState::new(
            self.reopen_db().await,
            (*self.state.settings).clone(),
        ))
    }

    /// The state of another instance on the same database with its own settings (e.g. its
    /// own SMS provider), for running its background workers beside this one's.
    pub async fn second_state(&self, configure: impl FnOnce(&mut Settings)) -> AppState {
        let mut settings = (*self.state.settings).clone();
        configure(&mut settings);
        let mut state = AppState::new(self.reopen_db().await, settings);
        // One time for both, as on machines with synchronised clocks.
        state.clock = self.state.clock.clone();
        state
    }

    /// The same database through new pools, as another process would open it.
    async fn reopen_db(&self) -> Db {
        match &self.reopen {
            Reopen::Sqlite(url) => Db::connect(&DatabaseUrl::new(url)).await,
            Reopen::Postgres(options) => Db::connect_postgres((**options).clone()).await,
        }
        .expect("second connection")
    }

    /// Another instance on the same database with a data directory of its own, as on a
    /// second machine: nothing on this instance's disk is visible to it.
    pub async fn second_instance_with_own_disk(&self) -> (Router, TempDir) {
        let dir = temp_dir();
        let mut settings = (*self.state.settings).clone();
        settings.upload_dir = dir.0.join("uploads");
        (router(AppState::new(self.reopen_db().await, settings)), dir)
    }

    /// The SQLite database's URL, for running the `anju` binary on the same file.
    pub fn sqlite_url(&self) -> Option<&str> {
        match &self.reopen {
            Reopen::Sqlite(url) => Some(url),
            Reopen::Postgres(_) => None,
        }
    }

    pub async fn send(&self, request: Request<Body>) -> Response {
        Self::send_to(&self.router, request).await
    }

    /// Send through a given router (e.g. a [`TestApp::second_instance`]).
    pub async fn send_to(router: &Router, request: Request<Body>) -> Response {
        let response = router.clone().oneshot(request).await.expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        Response {
            status,
            headers,
            body,
        }
    }

    /// A request as our own client sends it: JSON, with the client header.
    pub fn request(
        method: Method,
        path: &str,
        cookie: Option<&str>,
        body: Option<Value>,
    ) -> Request<Body> {
        Self::request_from([10, 0, 0, 1], method, path, cookie, body)
    }

    /// The same, from another client address (another phone on another network).
    pub fn request_from(
        ip: [u8; 4],
        method: Method,
        path: &str,
        cookie: Option<&str>,
        body: Option<Value>,
    ) -> Request<Body> {
        let mut builder = Request::builder()
            .method(method)
            .uri(path)
            .header("x-anju-client", "1")
            .extension(axum::extract::ConnectInfo(SocketAddr::from((ip, 5555))));
        if let Some(c) = cookie {
            builder = builder.header(header::COOKIE, c);
        }
        match body {
            Some(b) => builder
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(b.to_string())),
            None => builder.body(Body::empty()),
        }
        .expect("request")
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Response {
        self.send(Self::request(Method::GET, path, cookie, None))
            .await
    }

    pub async fn post(&self, path: &str, cookie: Option<&str>, body: Value) -> Response {
        self.send(Self::request(Method::POST, path, cookie, Some(body)))
            .await
    }

    pub async fn put(&self, path: &str, cookie: Option<&str>, body: Value) -> Response {
        self.send(Self::request(Method::PUT, path, cookie, Some(body)))
            .await
    }

    pub async fn delete(&self, path: &str, cookie: Option<&str>) -> Response {
        self.send(Self::request(Method::DELETE, path, cookie, None))
            .await
    }

    /// Create a staff account through the admin API and sign in as it.
    pub async fn create_staff(
        &self,
        admin: &str,
        phone: &str,
        role: &str,
        jurisdiction: i64,
    ) -> String {
        let created = self
            .post(
                "/api/admin/accounts",
                Some(admin),
                json!({ "phone": phone, "password": "staff passphrase", "display_name": "别处的工作人员",
                        "role": role, "jurisdiction_id": jurisdiction }),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        self.sign_in(phone, "staff passphrase")
            .await
            .cookie()
            .expect("cookie")
    }

    pub fn registration(&self, phone: &str) -> Value {
        json!({
            "phone": phone,
            "password": "a quiet courtyard",
            "display_name": "王阿姨",
            "building_id": self.places.building.id,
            "unit": "2",
            "room": "301",
        })
    }

    /// Ask for an SMS code as the app does, and read it from the recording sender.
    pub async fn sms_code(&self, phone: &str, purpose: &str, cookie: Option<&str>) -> String {
        // Each test sends from its own "device" address, so the per-source limit never
        // joins tests together; resends wait out the minute like a person would.
        let ask = || {
            Self::request_from(
                device_of(phone),
                Method::POST,
                "/api/auth/sms-codes",
                cookie,
                Some(json!({ "phone": phone, "purpose": purpose })),
            )
        };
        let mut r = self.send(ask()).await;
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            self.state.clock.advance(61);
            r = self.send(ask()).await;
        }
        assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
        self.last_code_to(phone).expect("a code was texted")
    }

    /// The 6-digit code in the newest text to `phone` (any spelling of the number).
    pub fn last_code_to(&self, phone: &str) -> Option<String> {
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        self.state
            .settings
            .sms
            .sent()
            .iter()
            .rev()
            .find(|m| m.phone == digits)
            .and_then(|m| {
                m.text
                    .split(|c: char| !c.is_ascii_digit())
                    .find(|w| w.len() == 6)
                    .map(str::to_owned)
            })
    }

    /// A registration body with a fresh code for `phone`.
    pub async fn registration_with_code(&self, phone: &str) -> Value {
        let mut body = self.registration(phone);
        body["sms_code"] = json!(self.sms_code(phone, "register", None).await);
        body
    }

    /// Register a resident (proving the number with the texted code) and return the cookie.
    pub async fn register(&self, phone: &str) -> String {
        self.register_in(phone, self.places.building.id).await
    }

    /// Register a resident whose home is in `building_id`.
    pub async fn register_in(&self, phone: &str, building_id: i64) -> String {
        let mut body = self.registration_with_code(phone).await;
        body["building_id"] = json!(building_id);
        let r = self
            .send(Self::request_from(
                device_of(phone),
                Method::POST,
                "/api/auth/register",
                None,
                Some(body),
            ))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.cookie().expect("session cookie")
    }

    pub async fn sign_in(&self, phone: &str, password: &str) -> Response {
        self.post(
            "/api/auth/sign-in",
            None,
            json!({ "phone": phone, "password": password }),
        )
        .await
    }

    /// One text column of every row a query returns, on either backend.
    pub async fn strings(&self, sql: &str) -> Vec<String> {
        match &self.state.db {
            Db::Sqlite { writer, .. } => sqlx::query_scalar(sql).fetch_all(writer).await,
            Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_all(pool).await,
        }
        .expect("query")
    }

    /// The details of the audit entries with this action, oldest first.
    pub async fn audit_details(&self, action: &str) -> Vec<String> {
        assert!(action
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_'));
        self.strings(&format!(
            "SELECT detail FROM audit_log WHERE action = '{action}' ORDER BY id"
        ))
        .await
    }

    /// Seed the demo accounts and sign in as the one with `role`.
    pub async fn sign_in_demo(&self, role: anju_domain::Role) -> String {
        demo::seed_accounts(&self.state.db, self.state.clock.now())
            .await
            .expect("demo data");
        let account = demo::DEMO_ACCOUNTS
            .iter()
            .find(|a| a.role == role)
            .expect("demo role");
        let r = self.sign_in(account.phone, account.password).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.cookie().expect("cookie")
    }
}

/// A client address of a person's own phone, derived from their number: each resident
/// registers from their own device, so per-source limits do not add up across a test.
pub fn device_of(phone: &str) -> [u8; 4] {
    let n: u64 = phone
        .chars()
        .filter(char::is_ascii_digit)
        .fold(0, |acc, d| {
            acc.wrapping_mul(10).wrapping_add(u64::from(d as u8 - b'0'))
        });
    [100, (n >> 16) as u8, (n >> 8) as u8, n as u8]
}

/// A small real PNG whose colour depends on `shade` (so two shades are two photos).
pub fn png(shade: u8) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(64, 48, image::Rgb([shade, 100, 50]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A raw-body upload, as the app sends photos and documents.
pub fn upload(path: &str, cookie: &str, bytes: Vec<u8>) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri(path)
        .header("x-anju-client", "1")
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "image/png")
        .body(Body::from(bytes))
        .unwrap()
}

pub fn assert_envelope(r: &Response, status: StatusCode, code: &str) {
    assert_eq!(r.status, status, "body: {}", r.body);
    assert_eq!(r.body["code"], code, "body: {}", r.body);
    assert!(
        r.body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "zh message"
    );
    assert!(
        r.body["message_en"].as_str().is_some_and(|m| !m.is_empty()),
        "en message"
    );
    assert_eq!(
        r.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
}
