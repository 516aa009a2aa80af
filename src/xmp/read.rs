//! Reading an XMP packet: ratings, rejects, labels and keywords from any tool's layout
//! (attributes or elements, any prefixes), bounded in size and count.

use super::{MAX_KEYWORDS, MAX_PACKET_BYTES, NS_DC, NS_DIGIKAM, NS_DISTILLERY, NS_LR, NS_RDF, NS_XMP, XmpFields};
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

/// Why a packet was not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmpProblem {
    #[error("{}", crate::i18n::fill(&crate::i18n::tr("the XMP is not well-formed XML ({})"), &[&.0.to_string()]))]
    Malformed(String),
    #[error("{}", crate::i18n::fill(&crate::i18n::tr("the XMP is larger than {} MiB"), &[&(MAX_PACKET_BYTES / (1024 * 1024)).to_string()]))]
    TooLarge,
    #[error("{}", crate::i18n::tr("the XMP holds no RDF description"))]
    NoDescription,
    #[error("{}", crate::i18n::fill(&crate::i18n::tr("the XMP rating “{}” is not a number from −1 to 5"), &[&.0.to_string()]))]
    BadRating(String),
}

/// Which list an `rdf:li` belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum List {
    Flat,
    Lightroom,
    DigiKam,
}

/// A field read as element text.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Rating,
    Label,
    OurRating,
    OurStatus,
    Item(List),
}

#[derive(Default)]
struct Found {
    rating: Option<String>,
    label: Option<String>,
    our_rating: Option<String>,
    our_status: Option<String>,
    flat: Vec<String>,
    lightroom: Vec<String>,
    digikam: Vec<String>,
    descriptions: usize,
}

impl Found {
    fn set(&mut self, field: Field, value: String) {
        let value = value.trim().to_owned();
        match field {
            Field::Rating => self.rating = Some(value),
            Field::Label => self.label = Some(value),
            Field::OurRating => self.our_rating = Some(value),
            Field::OurStatus => self.our_status = Some(value),
            Field::Item(list) => {
                let items = match list {
                    List::Flat => &mut self.flat,
                    List::Lightroom => &mut self.lightroom,
                    List::DigiKam => &mut self.digikam,
                };
                if !value.is_empty() && items.len() < MAX_KEYWORDS {
                    items.push(value);
                }
            }
        }
    }
}

fn namespace<'a>(resolved: &'a ResolveResult<'a>) -> &'a [u8] {
    match resolved {
        ResolveResult::Bound(ns) => ns.0,
        _ => b"",
    }
}

/// The field an element or attribute names, if it is one of ours.
fn field_named(ns: &[u8], local: &[u8]) -> Option<Field> {
    match (ns, local) {
        (ns, b"Rating") if ns == NS_XMP.as_bytes() => Some(Field::Rating),
        (ns, b"Label") if ns == NS_XMP.as_bytes() => Some(Field::Label),
        (ns, b"Rating") if ns == NS_DISTILLERY.as_bytes() => Some(Field::OurRating),
        (ns, b"Status") if ns == NS_DISTILLERY.as_bytes() => Some(Field::OurStatus),
        _ => None,
    }
}

fn list_named(ns: &[u8], local: &[u8]) -> Option<List> {
    match (ns, local) {
        (ns, b"subject") if ns == NS_DC.as_bytes() => Some(List::Flat),
        (ns, b"hierarchicalSubject") if ns == NS_LR.as_bytes() => Some(List::Lightroom),
        (ns, b"TagsList") if ns == NS_DIGIKAM.as_bytes() => Some(List::DigiKam),
        _ => None,
    }
}

/// Reads the fields Distillery uses from an XMP packet (with or without the `<?xpacket?>`
/// wrapper or `x:xmpmeta`).
pub fn parse(packet: &[u8]) -> Result<XmpFields, XmpProblem> {
    if packet.len() > MAX_PACKET_BYTES {
        return Err(XmpProblem::TooLarge);
    }
    let text = String::from_utf8_lossy(packet);
    let mut reader = NsReader::from_str(text.trim_start_matches('\u{feff}'));
    let malformed = |e: &dyn std::fmt::Display, at: u64| XmpProblem::Malformed(format!("{e} at byte {at}"));
    let mut found = Found::default();
    // Per open element: the list it opens, or the field whose text it holds.
    let mut open: Vec<(Option<List>, Option<Field>)> = Vec::new();
    let mut text_of: Option<(Field, String)> = None;
    loop {
        let at = reader.buffer_position();
        let (resolved, event) = reader.read_resolved_event().map_err(|e| malformed(&e, at))?;
        let ns = namespace(&resolved).to_vec();
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                let local = start.local_name().as_ref().to_vec();
                let is_empty = matches!(event, Event::Empty(_));
                if ns == NS_RDF.as_bytes() && local == b"Description" {
                    found.descriptions += 1;
                    for attribute in start.attributes() {
                        let attribute = attribute.map_err(|e| malformed(&e, reader.buffer_position()))?;
                        let (attr_ns, attr_local) = reader.resolver().resolve_attribute(attribute.key);
                        if let Some(field) = field_named(namespace(&attr_ns), attr_local.as_ref()) {
                            let value = attribute
                                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .map_err(|e| malformed(&e, reader.buffer_position()))?;
                            found.set(field, value.into_owned());
                        }
                    }
                }
                let list = list_named(&ns, &local);
                let field = field_named(&ns, &local).or_else(|| {
                    let in_list = open.iter().rev().find_map(|(list, _)| *list);
                    (ns == NS_RDF.as_bytes() && local == b"li")
                        .then_some(in_list)
                        .flatten()
                        .map(Field::Item)
                });
                if !is_empty {
                    if let Some(field) = field {
                        text_of = Some((field, String::new()));
                    }
                    open.push((list, field));
                }
            }
            Event::Text(text) => {
                if let Some((_, value)) = &mut text_of {
                    // References (`&amp;`) come as their own events, so text is literal.
                    value.push_str(&text.decode().map_err(|e| malformed(&e, reader.buffer_position()))?);
                }
            }
            Event::CData(data) => {
                if let Some((_, value)) = &mut text_of {
                    value.push_str(&data.decode().map_err(|e| malformed(&e, reader.buffer_position()))?);
                }
            }
            Event::GeneralRef(reference) => {
                if let Some((_, value)) = &mut text_of {
                    value.push(resolve_reference(&reference).ok_or_else(|| {
                        XmpProblem::Malformed(format!("unknown entity at byte {}", reader.buffer_position()))
                    })?);
                }
            }
            Event::End(_) => {
                if let Some((_, Some(_))) = open.pop()
                    && let Some((field, value)) = text_of.take()
                {
                    found.set(field, value);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !open.is_empty() {
        return Err(XmpProblem::Malformed("the document ends inside an element".into()));
    }
    if found.descriptions == 0 {
        return Err(XmpProblem::NoDescription);
    }
    fields_from(found)
}

/// `&amp;`, `&#233;` and the other predefined references.
fn resolve_reference(reference: &quick_xml::events::BytesRef) -> Option<char> {
    if let Ok(Some(c)) = reference.resolve_char_ref() {
        return Some(c);
    }
    match reference.decode().ok()?.as_ref() {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => None,
    }
}

fn fields_from(found: Found) -> Result<XmpFields, XmpProblem> {
    let rating = match &found.rating {
        None => None,
        Some(text) => Some(parse_rating(text)?),
    };
    let ours = found
        .our_rating
        .as_deref()
        .and_then(|text| text.parse::<u8>().ok())
        .filter(|&r| r <= 5);
    let status = found.our_status.as_deref();
    let mut fields = XmpFields {
        rating: ours.or(rating.map(|r| r.max(0) as u8)),
        rejected: rating.map(|r| r < 0).or(status.map(|s| s == "rejected")),
        selected: status.map(|s| s == "selected"),
        label: found.label.filter(|label| !label.is_empty()),
        keywords: Vec::new(),
    };
    if status.is_some() {
        fields.rejected = status.map(|s| s == "rejected");
    }
    // Paths: Lightroom's `|`, else digiKam's `/` (turned into `|`).
    // darktable lists its own bookkeeping tags ("darktable|format|jpg") among the paths.
    let mut paths: Vec<String> = found
        .lightroom
        .iter()
        .filter(|path| !path.to_lowercase().starts_with("darktable|"))
        .cloned()
        .collect();
    if paths.is_empty() {
        paths = found
            .digikam
            .iter()
            .map(|tag| tag.split('/').map(str::trim).collect::<Vec<_>>().join("|"))
            .collect();
    }
    let parts: std::collections::HashSet<String> = paths
        .iter()
        .flat_map(|path| path.split('|').map(|part| part.trim().to_lowercase()))
        .collect();
    let mut seen = std::collections::HashSet::new();
    for keyword in paths.into_iter().chain(
        found
            .flat
            .into_iter()
            .filter(|flat| !parts.contains(&flat.to_lowercase()) && !flat.to_lowercase().starts_with("darktable|")),
    ) {
        if seen.insert(keyword.to_lowercase()) {
            fields.keywords.push(keyword);
        }
    }
    Ok(fields)
}

fn parse_rating(text: &str) -> Result<i8, XmpProblem> {
    // Some tools write "3.0"; anything else outside −1..=5 is refused.
    let number: f64 = text.parse().map_err(|_| XmpProblem::BadRating(text.to_owned()))?;
    if number.fract() != 0.0 || !(-1.0..=5.0).contains(&number) {
        return Err(XmpProblem::BadRating(text.to_owned()));
    }
    Ok(number as i8)
}
