package io.hiertag.eval;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/** Reads charts back for assertions: SVG parsed as XML, elements found by the classes the charts set. */
final class Charts {
    private static final Pattern SVG = Pattern.compile("<svg\\b.*?</svg>", Pattern.DOTALL);

    private Charts() {
    }

    /** Every inline SVG of an HTML page, parsed; a parse failure (bad escaping, say) fails the test. */
    static List<Document> inlineSvgs(String html) {
        List<Document> out = new ArrayList<>();
        Matcher m = SVG.matcher(html);
        while (m.find()) {
            out.add(parse(m.group()));
        }
        return out;
    }

    static Document parse(String svg) {
        try {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new InputSource(new StringReader(svg)));
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new AssertionError("not well-formed SVG: " + e.getMessage() + "\n" + svg, e);
        }
    }

    /** Elements whose class attribute lists {@code cls}. */
    static List<Element> withClass(Document d, String cls) {
        List<Element> out = new ArrayList<>();
        NodeList all = d.getElementsByTagName("*");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (List.of(e.getAttribute("class").split(" ")).contains(cls)) {
                out.add(e);
            }
        }
        return out;
    }

    /** The text of the {@code text} elements under {@code e}, tooltips left out. */
    static List<String> texts(Element e) {
        List<String> out = new ArrayList<>();
        NodeList t = e.getElementsByTagName("text");
        for (int i = 0; i < t.getLength(); i++) {
            Element text = (Element) t.item(i);
            NodeList tips = text.getElementsByTagName("title");
            String tip = tips.getLength() == 0 ? "" : tips.item(0).getTextContent();
            out.add(text.getTextContent().substring(tip.length()));
        }
        return out;
    }

    /** The text of each element with class {@code cls}. */
    static List<String> textsOfClass(Document d, String cls) {
        return withClass(d, cls).stream().map(Element::getTextContent).toList();
    }
}
