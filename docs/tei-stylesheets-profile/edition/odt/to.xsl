<?xml version="1.0" encoding="utf-8"?>
<!--
  The edition's profile for the TEI Consortium's Stylesheets (7.58): their TEI → ODT conversion,
  with the three things it loses from a letter or a citation in running text added back.

  Use: copy the folder `edition` into the Stylesheets' `profiles/` (beside `default`), with a copy of
  profiles/default/odt/template.odt beside this file (the conversion starts from it), and run
  bin/teitoodt with the option profile=edition (two hyphens before it, which an XML comment cannot
  show); or keep it elsewhere and name that folder with the option profiledir, a copy or link of
  `default` beside `edition` there.

  What the default profile does and this one mends (docs/encoding.md, "What each consumer does"):
  - salute and dateline in an opener or a closer have no ODT template (common's makeBlock is a bare
    apply-templates in ODT): their text lands between paragraphs, where LibreOffice drops it. Here
    each is a paragraph of its own, as signed and byline already are;
  - a bibl is always made a paragraph, so a citation in running text becomes a text:p inside a
    text:p, which LibreOffice drops. Here a bibl inside a paragraph is a span of that paragraph.
  Both are proposed for the Stylesheets themselves; until they are there, this profile is the fix.
-->
<xsl:stylesheet xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:tei="http://www.tei-c.org/ns/1.0"
                xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
                exclude-result-prefixes="tei"
                version="3.0">

  <xsl:import href="../../default/odt/to.xsl"/>

  <xsl:template match="tei:opener/tei:salute | tei:opener/tei:dateline
                       | tei:closer/tei:salute | tei:closer/tei:dateline">
    <text:p text:style-name="tei_{local-name(.)}">
      <xsl:apply-templates/>
    </text:p>
  </xsl:template>

  <xsl:template match="tei:p//tei:bibl">
    <text:span text:style-name="tei_bibl">
      <xsl:apply-templates/>
    </text:span>
  </xsl:template>

</xsl:stylesheet>
