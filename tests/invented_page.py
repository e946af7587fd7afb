"""An invented page for the tests that add a page with data and commands only:
written for the tests in the paper's layout (a body with footnote markers
22-24, then the notes, one of them a citation whose numbers are not figures),
not the paper's text. Shared, so both tests audit the very same page."""

CLEAN = (
    "In the spring of 1955 a railway brigade of 1,200 workers arrived at the river crossing.22 The ministry "
    "paid them 100-150 rubles monthly (USD 25-USD 37.50), and over 600 of them stayed for two years. At the "
    "rate this ledger uses, 4 rubles were worth USD 1. The bridge budget was 48 million rubles (USD 12 million), "
    "of which 45 percent went to steel, 35 percent to cement and 20 percent to wages.23 Work began on "
    "3 March 1955 and the bridge opened on 14 September 1955, nearly six months later.24 22 An invented note: "
    "the brigade's own roster, 1955. 23 The same ledger, folio 12. 24 A local newspaper, 15 September 1955."
)
