//! API keys for hosted providers: an environment variable (`FAL_KEY`,
//! `REPLICATE_API_TOKEN`) for headless use and scripts, else the desktop's keyring (Secret
//! Service). A key is held in an [`ApiKey`], which never prints itself; it is written
//! nowhere else: not the database, logs, errors, image metadata or exports.

use crate::generation::Provider;
use std::sync::Arc;
use std::time::Duration;

/// The keyring is asked on another thread and given this long: a Secret Service that
/// never answers must not hang a job or the settings page.
const KEYRING_PATIENCE: Duration = Duration::from_secs(5);
const KEYRING_SERVICE: &str = "Distillery";

/// An API key. `Debug` shows only that one is there.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Option<Self> {
        let key = key.into().trim().to_owned();
        (!key.is_empty()).then_some(Self(key))
    }

    /// The key itself, for the one header that carries it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(…)")
    }
}

/// Where a provider's key was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySource {
    Environment(&'static str),
    Keyring,
}

/// The environment variable that holds a provider's key.
pub fn variable(provider: Provider) -> &'static str {
    match provider {
        Provider::Replicate => "REPLICATE_API_TOKEN",
        _ => "FAL_KEY",
    }
}

/// Why a provider has no key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoKey {
    pub provider: Provider,
    /// Why the keyring could not be asked or read, when that is why.
    pub keyring_problem: Option<String>,
}

impl std::fmt::Display for NoKey {
    /// The job's message: what to do, for someone who is not in Settings.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let said = crate::i18n::fill(
            &crate::i18n::tr("No {} API key: add one in Settings → Hosted providers, or set {}"),
            &[self.provider.display_name(), variable(self.provider)],
        );
        f.write_str(&said)?;
        match &self.keyring_problem {
            Some(problem) => write!(f, " ({problem})"),
            None => Ok(()),
        }
    }
}

/// The provider's key: the environment's, else the keyring's. Blocking.
pub fn lookup(provider: Provider) -> Result<(ApiKey, KeySource), NoKey> {
    let variable = variable(provider);
    if let Some(key) = std::env::var(variable).ok().and_then(ApiKey::new) {
        return Ok((key, KeySource::Environment(variable)));
    }
    let missing = |keyring_problem| NoKey {
        provider,
        keyring_problem,
    };
    match keyring(provider, |entry| entry.get_password()) {
        Ok(Ok(key)) => ApiKey::new(key).map(|k| (k, KeySource::Keyring)).ok_or(missing(None)),
        Ok(Err(keyring_core::Error::NoEntry)) => Err(missing(None)),
        Ok(Err(error)) => Err(missing(Some(crate::i18n::fill(
            &crate::i18n::tr("the keyring could not be read: {}"),
            &[&error.to_string()],
        )))),
        Err(why) => Err(missing(Some(why))),
    }
}

/// Keeps `key` in the keyring. Blocking.
pub fn store(provider: Provider, key: &ApiKey) -> Result<(), String> {
    let secret = key.expose().to_owned();
    let instead = crate::i18n::fill(
        &crate::i18n::tr("set {} in Distillery's environment instead"),
        &[variable(provider)],
    );
    match keyring(provider, move |entry| entry.set_password(&secret)) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(error)) => Err(crate::i18n::fill(
            &crate::i18n::tr("the keyring did not keep the key ({}): {}"),
            &[&error.to_string(), &instead.to_string()],
        )),
        Err(why) => Err(format!("{why}, so the key cannot be kept: {instead}")),
    }
}

/// Removes the provider's key from the keyring. Blocking.
pub fn forget(provider: Provider) -> Result<(), String> {
    match keyring(provider, |entry| entry.delete_credential()) {
        Ok(Ok(())) | Ok(Err(keyring_core::Error::NoEntry)) => Ok(()),
        Ok(Err(error)) => Err(crate::i18n::fill(
            &crate::i18n::tr("the keyring did not remove the key: {}"),
            &[&error.to_string()],
        )),
        Err(why) => Err(why),
    }
}

/// Runs `action` on the provider's keyring entry on its own thread, within
/// [`KEYRING_PATIENCE`]. `Err` when there is no keyring to ask.
fn keyring<T: Send + 'static>(
    provider: Provider,
    action: impl FnOnce(&keyring_core::Entry) -> keyring_core::Result<T> + Send + 'static,
) -> Result<keyring_core::Result<T>, String> {
    if !session_bus_exists() {
        return Err(crate::i18n::tr("no desktop keyring is running"));
    }
    let user = provider.as_str().to_owned();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("distillery-keyring".into())
        .spawn(move || {
            let result = zbus_secret_service_keyring_store::Store::new()
                .map_err(|e| crate::i18n::fill(&crate::i18n::tr("the keyring is not available: {}"), &[&e.to_string()]))
                .and_then(|store| {
                    let store: Arc<keyring_core::CredentialStore> = store;
                    keyring_core::Entry::new_in_store(&store, KEYRING_SERVICE, &user).map_err(|e| {
                        crate::i18n::fill(&crate::i18n::tr("the keyring refused the entry: {}"), &[&e.to_string()])
                    })
                })
                .map(|entry| action(&entry));
            let _ = sender.send(result);
        })
        .map_err(|e| crate::i18n::fill(&crate::i18n::tr("could not ask the keyring: {}"), &[&e.to_string()]))?;
    receiver
        .recv_timeout(KEYRING_PATIENCE)
        .map_err(|_| crate::i18n::tr("the keyring did not answer"))?
}

/// A D-Bus session bus is where the Secret Service lives; without one, asking would only
/// wait for a timeout.
fn session_bus_exists() -> bool {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|a| !a.is_empty()) {
        return true;
    }
    std::env::var_os("XDG_RUNTIME_DIR").is_some_and(|dir| std::path::Path::new(&dir).join("bus").exists())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_never_prints_itself() {
        let key = ApiKey::new("  sk-secret-123 ").unwrap();
        assert_eq!(key.expose(), "sk-secret-123");
        assert_eq!(format!("{key:?}"), "ApiKey(…)");
        assert!(ApiKey::new("   ").is_none());
    }
}
