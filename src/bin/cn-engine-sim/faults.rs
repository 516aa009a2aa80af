//! `CN_SIM_FAULT=name[:arg],...`, `CN_SIM_FAULT_FILE=path` (re-read before every command)
//! and `CN_SIM_FAULT_NTH=n` (generation faults only on the n-th generate).

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    CrashGen(u32),
    HangGen(u32),
    HangLoad,
    SlowLoad(u64),
    FailLoad,
    ExitOnLoad(i32),
    ExitOnStart(i32),
    ErrorGen(String),
    MalformedLine,
    OversizedLine(usize),
    TruncatedPng,
    MissingOutput,
    PingSilent,
    StderrFlood,
}

impl Fault {
    fn parse(item: &str) -> Option<Self> {
        let (name, arg) = match item.split_once(':') {
            Some((name, arg)) => (name.trim(), Some(arg.trim())),
            None => (item.trim(), None),
        };
        let number = |default: u64| arg.and_then(|a| a.parse::<u64>().ok()).unwrap_or(default);
        Some(match name {
            "crash_gen" => Fault::CrashGen(number(2) as u32),
            "hang_gen" => Fault::HangGen(number(2) as u32),
            "hang_load" => Fault::HangLoad,
            "slow_load" => Fault::SlowLoad(number(10_000)),
            "fail_load" => Fault::FailLoad,
            "exit_on_load" => Fault::ExitOnLoad(number(1) as i32),
            "exit_on_start" => Fault::ExitOnStart(number(1) as i32),
            "error_gen" => Fault::ErrorGen(arg.filter(|a| !a.is_empty()).unwrap_or("GENERATION_FAILED").to_owned()),
            "malformed_line" => Fault::MalformedLine,
            "oversized_line" => Fault::OversizedLine(number(8 * 1024 * 1024) as usize),
            "truncated_png" => Fault::TruncatedPng,
            "missing_output" => Fault::MissingOutput,
            "ping_silent" => Fault::PingSilent,
            "stderr_flood" => Fault::StderrFlood,
            _ => return None,
        })
    }

    fn is_generation_fault(&self) -> bool {
        matches!(
            self,
            Fault::CrashGen(_)
                | Fault::HangGen(_)
                | Fault::ErrorGen(_)
                | Fault::MalformedLine
                | Fault::OversizedLine(_)
                | Fault::TruncatedPng
                | Fault::MissingOutput
                | Fault::StderrFlood
        )
    }
}

pub struct Faults {
    from_env: Vec<Fault>,
    file: Option<String>,
    active: Vec<Fault>,
    nth: Option<u32>,
}

fn parse_list(text: &str) -> Vec<Fault> {
    text.split(',')
        .filter(|item| !item.trim().is_empty())
        .filter_map(Fault::parse)
        .collect()
}

impl Faults {
    pub fn from_env() -> Self {
        let from_env = parse_list(&std::env::var("CN_SIM_FAULT").unwrap_or_default());
        let file = std::env::var("CN_SIM_FAULT_FILE").ok().filter(|f| !f.is_empty());
        let nth = std::env::var("CN_SIM_FAULT_NTH")
            .ok()
            .and_then(|n| n.trim().parse().ok());
        let mut faults = Self {
            active: from_env.clone(),
            from_env,
            file,
            nth,
        };
        faults.refresh();
        faults
    }

    /// Re-reads the fault file, so a test can change faults while the engine runs.
    pub fn refresh(&mut self) {
        let mut active = self.from_env.clone();
        if let Some(file) = &self.file {
            active.extend(parse_list(&std::fs::read_to_string(file).unwrap_or_default()));
        }
        self.active = active;
    }

    pub fn exit_on_start(&self) -> Option<i32> {
        self.active.iter().find_map(|f| {
            if let Fault::ExitOnStart(code) = f {
                Some(*code)
            } else {
                None
            }
        })
    }

    /// Load and ping faults: always on.
    pub fn has(&self, wanted: impl Fn(&Fault) -> Option<()>) -> bool {
        self.active.iter().any(|f| wanted(f).is_some())
    }

    pub fn find<T>(&self, pick: impl Fn(&Fault) -> Option<T>) -> Option<T> {
        self.active.iter().find_map(pick)
    }

    /// Generation faults in force for the `count`-th generate (1-based).
    pub fn for_generation(&self, count: u32) -> Vec<Fault> {
        if self.nth.is_some_and(|n| n != count) {
            return Vec::new();
        }
        self.active
            .iter()
            .filter(|f| f.is_generation_fault())
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_lists_parse_with_defaults_and_arguments() {
        let faults = parse_list("crash_gen, hang_gen:3,error_gen:NO_OUTPUT,slow_load:250,bogus,exit_on_start");
        assert_eq!(
            faults,
            [
                Fault::CrashGen(2),
                Fault::HangGen(3),
                Fault::ErrorGen("NO_OUTPUT".into()),
                Fault::SlowLoad(250),
                Fault::ExitOnStart(1)
            ]
        );
    }
}
