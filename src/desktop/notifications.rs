//! Desktop notifications through the freedesktop `org.freedesktop.Notifications` service
//! (GNOME Shell, KDE Plasma, dunst, mako, xfce4-notifyd...). One thread owns the session bus
//! connection, made when the first notification is sent, so a window that never notifies
//! never touches the bus; another waits for clicks. A desktop without the service loses the
//! notification and nothing else.

use std::collections::HashMap;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use zbus::zvariant::Value;

/// Notifications remembered for their clicks; older ones no longer do anything.
const REMEMBERED: usize = 64;

#[zbus::proxy(
    interface = "org.freedesktop.Notifications",
    default_service = "org.freedesktop.Notifications",
    default_path = "/org/freedesktop/Notifications",
    gen_async = false,
    blocking_name = "NotificationsProxy"
)]
trait Notifications {
    #[allow(clippy::too_many_arguments)]
    fn notify(
        &self,
        app_name: &str,
        replaces_id: u32,
        app_icon: &str,
        summary: &str,
        body: &str,
        actions: &[&str],
        hints: HashMap<&str, Value<'_>>,
        expire_timeout: i32,
    ) -> zbus::Result<u32>;

    #[zbus(signal)]
    fn action_invoked(&self, id: u32, action_key: String) -> zbus::Result<()>;
}

/// One notification to show. `token` comes back through the click callback.
#[derive(Debug, Clone)]
pub struct Note {
    pub title: String,
    pub body: String,
    /// Something went wrong: a `transfer.error` rather than a `transfer.complete`.
    pub failed: bool,
    /// Whether a click does something (the notification then offers "Show").
    pub clickable: bool,
    pub token: u64,
}

/// Sends notifications from a thread of its own. Cheap to clone.
#[derive(Clone)]
pub struct Notifier {
    notes: mpsc::Sender<Note>,
}

impl Notifier {
    /// Starts the sending thread. `on_click` runs on the listening thread with the clicked
    /// notification's token.
    pub fn start(on_click: impl Fn(u64) + Send + Sync + 'static) -> Self {
        let (notes, queued) = mpsc::channel::<Note>();
        let on_click: Arc<dyn Fn(u64) + Send + Sync> = Arc::new(on_click);
        std::thread::Builder::new()
            .name("notifications".into())
            .spawn(move || send_all(&queued, &on_click))
            .expect("a thread for notifications starts");
        Self { notes }
    }

    /// Queues `note`; never blocks.
    pub fn show(&self, note: Note) {
        let _ = self.notes.send(note);
    }
}

/// The tokens of the notifications sent, by the server's id.
type Sent = Arc<Mutex<Vec<(u32, u64)>>>;

fn send_all(queued: &mpsc::Receiver<Note>, on_click: &Arc<dyn Fn(u64) + Send + Sync>) {
    let sent: Sent = Arc::default();
    let mut proxy: Option<NotificationsProxy<'static>> = None;
    for note in queued {
        if proxy.is_none() {
            match connect(&sent, on_click) {
                Ok(connected) => proxy = Some(connected),
                Err(error) => {
                    tracing::info!(%error, "no desktop notifications: the session bus cannot be reached");
                    continue;
                }
            }
        }
        let Some(notifications) = &proxy else { continue };
        match send(notifications, &note) {
            Ok(id) => {
                let mut sent = sent.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                sent.push((id, note.token));
                let excess = sent.len().saturating_sub(REMEMBERED);
                sent.drain(..excess);
            }
            Err(error) => tracing::info!(%error, title = note.title, "a desktop notification was not shown"),
        }
    }
}

/// The session bus (tests point `DBUS_SESSION_BUS_ADDRESS` at a private one).
fn connect(sent: &Sent, on_click: &Arc<dyn Fn(u64) + Send + Sync>) -> zbus::Result<NotificationsProxy<'static>> {
    let connection = zbus::blocking::Connection::session()?;
    let proxy = NotificationsProxy::new(&connection)?;
    // Subscribed before the first notification goes out, so no click is missed.
    let clicks = proxy.receive_action_invoked()?;
    let (sent, on_click) = (sent.clone(), on_click.clone());
    std::thread::Builder::new()
        .name("notification clicks".into())
        .spawn(move || {
            for signal in clicks {
                let Ok(args) = signal.args() else { continue };
                let token = sent
                    .lock()
                    .ok()
                    .and_then(|sent| sent.iter().find(|(id, _)| *id == args.id).map(|(_, token)| *token));
                if let Some(token) = token.filter(|_| args.action_key == "default") {
                    on_click(token);
                }
            }
        })
        .map_err(|error| zbus::Error::Failure(error.to_string()))?;
    Ok(proxy)
}

fn send(proxy: &NotificationsProxy<'_>, note: &Note) -> zbus::Result<u32> {
    let category = if note.failed {
        "transfer.error"
    } else {
        "transfer.complete"
    };
    let hints = HashMap::from([
        // The entry the server takes the app's name and icon from (its name without .desktop).
        ("desktop-entry", Value::from(super::APP_ID)),
        ("category", Value::from(category)),
        // Normal urgency: the work is done, nothing waits on the user.
        ("urgency", Value::U8(1)),
    ]);
    // "default" is the click on the notification itself; its label is for servers that
    // show it as a button.
    let actions: &[&str] = if note.clickable { &["default", "Show"] } else { &[] };
    proxy.notify(
        "Distillery",
        0,
        super::ICON,
        &note.title,
        &note.body,
        actions,
        hints,
        -1,
    )
}
