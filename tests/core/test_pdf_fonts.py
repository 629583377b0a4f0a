"""WeasyPrint's font configuration is made once per thread (core.pdf.font_configuration):
gathering the system's fonts cost about 40 ms of every document."""

import threading

from core import pdf


def test_documents_of_one_thread_share_one_font_configuration():
    first = pdf.font_configuration()
    assert pdf.font_configuration() is first


def test_another_thread_gets_its_own_font_configuration():
    first = pdf.font_configuration()
    seen = []
    worker = threading.Thread(target=lambda: seen.append(pdf.font_configuration()))
    worker.start()
    worker.join()
    assert seen and seen[0] is not first


def test_a_document_laid_out_twice_with_the_shared_fonts_is_the_same():
    from weasyprint import HTML

    html = "<p>Subvention de 12 000 € à l'association « APES », article 1er.</p>"

    def laid_out():
        document = HTML(string=html).render(font_config=pdf.font_configuration())
        return [
            (type(box).__name__, box.position_x, box.position_y, box.width, box.height)
            for page in document.pages
            for box in page._page_box.descendants()
        ]

    assert (
        laid_out()
        == laid_out()
        == [
            (type(box).__name__, box.position_x, box.position_y, box.width, box.height)
            for page in HTML(string=html).render().pages
            for box in page._page_box.descendants()
        ]
    )
