from tests.ui.flow_fixtures import *  # noqa
from tests.ui.flow_fixtures import SHOWCASE
from PySide6.QtWidgets import QApplication, QLabel, QFrame
from kiosk.ui.screens.plan_screen import PlanCard
from kiosk.ui.screens import OptionCard, label

def test_dbg(qtbot, wizard, counter):
    s = SHOWCASE["elderly_single"]
    h = counter.services.households.identify(s["filing_no"], s["applicant_id_number"])
    plans = counter.services.catalog.plan_options(h.id)
    print("start", QApplication.activeWindow() is wizard)
    l = QLabel("x"); print("qlabel", QApplication.activeWindow() is wizard)
    f = QFrame(); print("qframe", QApplication.activeWindow() is wizard)
    o = OptionCard(True); print("optioncard", QApplication.activeWindow() is wizard)
    c = PlanCard(plans[0]); print("plancard", QApplication.activeWindow() is wizard)
    wizard.plans._list.addWidget(c); print("added", QApplication.activeWindow() is wizard)
    c.show(); print("shown", QApplication.activeWindow() is wizard)
    QApplication.processEvents(); print("events", QApplication.activeWindow() is wizard)
