"""The UI's language: English source strings in tr(), Chinese from kiosk_resources/translations/kiosk_zh_CN.qm."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from kiosk.config import RESOURCES
from kiosk_core.model import Role

if TYPE_CHECKING:
    from kiosk.services.views import OperatorSession

log = logging.getLogger(__name__)

LANGUAGES = ("zh_CN", "en")
SOURCE_LANGUAGE = "en"  # the strings in the code; no translation file needed


def install_translator(
    app: QCoreApplication, language: str, translations: Path = RESOURCES / "translations"
) -> list[QTranslator]:
    """Install Kiosk's and Qt's own translations for ``language``; returns them (kept alive by ``app``)."""
    if language not in LANGUAGES:
        log.warning("unknown language %r, using zh_CN", language)
        language = "zh_CN"
    QLocale.setDefault(QLocale(language))
    if language == SOURCE_LANGUAGE:
        return []
    installed = []
    kiosk = QTranslator(app)
    if kiosk.load(f"kiosk_{language}", str(translations)):
        app.installTranslator(kiosk)
        installed.append(kiosk)
    else:
        log.error(
            "translation kiosk_%s.qm not found in %s: the UI will be in English", language, translations
        )
    # Qt's own words (standard dialog buttons, the line edit's context menu).
    qt = QTranslator(app)
    if qt.load(
        QLocale(language), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    ):
        app.installTranslator(qt)
        installed.append(qt)
    return installed


def role_label(role: Role) -> str:
    if role is Role.SUPERVISOR:
        return QCoreApplication.translate("Roles", "Supervisor")
    return QCoreApplication.translate("Roles", "Clerk")


def operator_label(session: OperatorSession) -> str:
    """Who is signed in, e.g. "王晓梅（办事员）", for the header and the lock screen."""
    return QCoreApplication.translate("Roles", "{name} ({role})").format(
        name=session.display_name, role=role_label(session.role)
    )
