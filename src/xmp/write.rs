//! Writing an XMP packet the tools read back: `xmp:Rating` (−1 for a reject), `xmp:Label`,
//! `dc:subject` (every keyword's last part, as darktable and Lightroom list them),
//! `lr:hierarchicalSubject` (the full `Parent|Child` paths), our own rating and status (so a
//! rejected image keeps its stars), and, when asked, the generation's parameters.

use super::{NS_DC, NS_DISTILLERY, NS_LR, NS_RDF, NS_XMP, XmpFields};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesPI, BytesStart, BytesText, Event};
use std::io::Cursor;

/// A generation's parameters as written into exported images that keep them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Generation {
    pub prompt: Option<String>,
    pub model: Option<String>,
    pub seed: Option<i64>,
    pub steps: Option<i32>,
    pub guidance: Option<f64>,
    pub width: Option<i32>,
    pub height: Option<i32>,
}

/// The packet for `fields` (and `generation`, when given). `wrapped` adds the `<?xpacket?>`
/// processing instructions embedded packets carry; sidecars are plain documents.
pub fn to_packet(fields: &XmpFields, generation: Option<&Generation>, wrapped: bool) -> String {
    let mut writer = Writer::new_with_indent(Cursor::new(Vec::new()), b' ', 1);
    // Writing to a Vec cannot fail: the results are io::Results of an in-memory buffer.
    let _ = write_packet(&mut writer, fields, generation, wrapped);
    String::from_utf8(writer.into_inner().into_inner()).unwrap_or_default()
}

fn write_packet(
    w: &mut Writer<Cursor<Vec<u8>>>,
    fields: &XmpFields,
    generation: Option<&Generation>,
    wrapped: bool,
) -> std::io::Result<()> {
    if wrapped {
        w.write_event(Event::PI(BytesPI::new(
            "xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"",
        )))?;
    } else {
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    }
    let mut meta = BytesStart::new("x:xmpmeta");
    meta.push_attribute(("xmlns:x", "adobe:ns:meta/"));
    meta.push_attribute(("x:xmptk", concat!("Distillery ", env!("CARGO_PKG_VERSION"))));
    w.write_event(Event::Start(meta))?;
    let mut rdf = BytesStart::new("rdf:RDF");
    rdf.push_attribute(("xmlns:rdf", NS_RDF));
    w.write_event(Event::Start(rdf))?;

    let mut description = BytesStart::new("rdf:Description");
    description.push_attribute(("rdf:about", ""));
    description.push_attribute(("xmlns:xmp", NS_XMP));
    description.push_attribute(("xmlns:dc", NS_DC));
    description.push_attribute(("xmlns:lr", NS_LR));
    description.push_attribute(("xmlns:distillery", NS_DISTILLERY));
    let stars = fields.rating.unwrap_or(0);
    let xmp_rating = if fields.rejected == Some(true) {
        "-1".to_owned()
    } else {
        stars.to_string()
    };
    description.push_attribute(("xmp:Rating", xmp_rating.as_str()));
    let stars = stars.to_string();
    description.push_attribute(("distillery:Rating", stars.as_str()));
    let status = match (fields.selected, fields.rejected) {
        (_, Some(true)) => "rejected",
        (Some(true), _) => "selected",
        _ => "none",
    };
    description.push_attribute(("distillery:Status", status));
    if let Some(label) = &fields.label {
        description.push_attribute(("xmp:Label", label.as_str()));
    }
    let numbers = generation.map(generation_numbers).unwrap_or_default();
    for (name, value) in &numbers {
        description.push_attribute((name.as_str(), value.as_str()));
    }
    w.write_event(Event::Start(description))?;

    if !fields.keywords.is_empty() {
        let leaves: Vec<&str> = fields
            .keywords
            .iter()
            .map(|keyword| keyword.rsplit('|').next().unwrap_or(keyword).trim())
            .collect();
        write_list(w, "dc:subject", "rdf:Bag", &leaves)?;
        let paths: Vec<&str> = fields
            .keywords
            .iter()
            .map(String::as_str)
            .filter(|k| k.contains('|'))
            .collect();
        if !paths.is_empty() {
            write_list(w, "lr:hierarchicalSubject", "rdf:Bag", &paths)?;
        }
    }
    if let Some(prompt) = generation.and_then(|g| g.prompt.as_deref()) {
        w.write_event(Event::Start(BytesStart::new("dc:description")))?;
        w.write_event(Event::Start(BytesStart::new("rdf:Alt")))?;
        let mut li = BytesStart::new("rdf:li");
        li.push_attribute(("xml:lang", "x-default"));
        w.write_event(Event::Start(li))?;
        w.write_event(Event::Text(BytesText::new(prompt)))?;
        w.write_event(Event::End(BytesEnd::new("rdf:li")))?;
        w.write_event(Event::End(BytesEnd::new("rdf:Alt")))?;
        w.write_event(Event::End(BytesEnd::new("dc:description")))?;
    }
    w.write_event(Event::End(BytesEnd::new("rdf:Description")))?;
    w.write_event(Event::End(BytesEnd::new("rdf:RDF")))?;
    w.write_event(Event::End(BytesEnd::new("x:xmpmeta")))?;
    if wrapped {
        w.write_event(Event::PI(BytesPI::new("xpacket end=\"w\"")))?;
    }
    Ok(())
}

fn write_list(w: &mut Writer<Cursor<Vec<u8>>>, property: &str, kind: &str, items: &[&str]) -> std::io::Result<()> {
    w.write_event(Event::Start(BytesStart::new(property)))?;
    w.write_event(Event::Start(BytesStart::new(kind)))?;
    for item in items {
        w.write_event(Event::Start(BytesStart::new("rdf:li")))?;
        w.write_event(Event::Text(BytesText::new(item)))?;
        w.write_event(Event::End(BytesEnd::new("rdf:li")))?;
    }
    w.write_event(Event::End(BytesEnd::new(kind)))?;
    w.write_event(Event::End(BytesEnd::new(property)))?;
    Ok(())
}

/// The generation's parameters as `distillery:` attributes.
fn generation_numbers(g: &Generation) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut put = |name: &str, value: Option<String>| {
        if let Some(value) = value {
            out.push((format!("distillery:{name}"), value));
        }
    };
    put("Model", g.model.clone());
    put("Seed", g.seed.map(|v| v.to_string()));
    put("Steps", g.steps.map(|v| v.to_string()));
    put("Guidance", g.guidance.map(|v| v.to_string()));
    put("Width", g.width.map(|v| v.to_string()));
    put("Height", g.height.map(|v| v.to_string()));
    out
}
