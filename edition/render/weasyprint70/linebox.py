"""WeasyPrint 70.0's line-box layout, copied to change one decision (see `keep_notes_with_calls` in
this package's __init__): which notes may move to the next page when a line overflows it.

`_linebox_layout` is WeasyPrint's own function (weasyprint/layout/block.py, BSD-3-Clause, © Simon
Sapin and contributors), line for line but for the three changes marked `edition:`; it is long
because it is theirs, kept as they wrote it so that a diff against theirs shows only those changes.
The two helpers before it are the changes' own.
"""

from __future__ import annotations

from weasyprint.layout import block

#: the class of a note's part that may go to the next page (notesplit.CONT)
MOVABLE_CLASS = "note-cont"


def _report_before(context) -> None:
    """Move the page's last note to the next page, before the notes already moved there (it comes
    earlier in the text), so that WeasyPrint's reversal of the notes it moved is not needed."""
    note = context.current_page_footnotes[-1]
    context.report_footnote(note)
    context.reported_footnotes.remove(note)
    context.reported_footnotes.insert(0, note)


def _movable_note_part(context) -> bool:
    """The page's last note is a continued note's later part: it may go to the next page."""
    notes = context.current_page_footnotes
    if not notes or notes[-1].element is None:
        return False
    return MOVABLE_CLASS in (notes[-1].element.get("class") or "").split()


def _linebox_layout(context, box, index, child, new_children, page_is_empty,
                    absolute_boxes, fixed_boxes, adjoining_margins,
                    bottom_space, position_y, skip_stack, first_letter_style,
                    first_line_style, draw_bottom_decoration, max_lines):
    """WeasyPrint 70.0's `weasyprint.layout.block._linebox_layout` (BSD-3-Clause, © Simon Sapin
    and contributors), copied line for line but for the three changes marked `edition:` (see
    `keep_notes_with_calls`); the functions it calls are looked up in WeasyPrint's module, as
    the original does."""
    abort = stop = False
    resume_at = None
    new_footnotes = []

    assert len(box.children) == 1, 'line box with siblings before layout'

    if adjoining_margins:
        position_y += block.collapse_margin(adjoining_margins)
    new_containing_block = box
    lines_iterator = block.iter_line_boxes(
        context, child, position_y, bottom_space, skip_stack, new_containing_block,
        absolute_boxes, fixed_boxes, first_letter_style, first_line_style)
    for i, (line, resume_at) in enumerate(lines_iterator):
        # Break box if we reached max-lines
        if max_lines is not None:
            if max_lines == 0:
                new_children[-1].block_ellipsis = box.style['block_ellipsis']
                break
            max_lines -= 1

        # Update line resume_at and position_y
        line.resume_at = resume_at
        new_position_y = line.position_y + line.height

        # Add bottom padding and border to the bottom position of the
        # box if needed
        draw_bottom_decoration |= resume_at is None
        if draw_bottom_decoration:
            offset_y = box.border_bottom_width + box.padding_bottom
        else:
            offset_y = 0

        # Allow overflow if the first line of the page is higher than the page itself so
        # that we put *something* on this page and can advance in the context.
        overflow = (
            (new_children or not page_is_empty) and
            context.overflows_page(bottom_space, new_position_y + offset_y))
        if overflow:
            # If we couldn’t break the line before but can break now, first try to
            # report footnotes and see if we don’t overflow.
            can_break_now = True  # edition: could_break_before is not needed (change 1)
            needed = box.style['widows'] - 1
            for next_line, _ in lines_iterator:
                needed -= 1
                block.remove_placeholders(
                    context, next_line.children, absolute_boxes, fixed_boxes)
                # Don’t iterate over all lines as it can be long.
                if needed == -1:
                    break
            if len(new_children) + 1 < box.style['orphans']:
                can_break_now = False
            elif needed >= 0:
                can_break_now = False
            needed = max(0, needed)
            # edition, change 1: notes may move where the page may end after the line or the
            # line ends its paragraph; WeasyPrint: `can_break_now and not could_break_before`
            report = not context.in_column and (can_break_now or resume_at is None)
            # edition, change 2: only a continued note's later parts move, each before the notes
            # already moved; WeasyPrint moves any note, after them (and then reverses them: gone)
            while report and _movable_note_part(context):
                _report_before(context)
                if not context.overflows_page(bottom_space, new_position_y + offset_y):
                    new_children.append(line)
                    stop = True
                    break
            else:
                abort, stop, resume_at = block._break_line(
                    context, box, line, new_children, needed, page_is_empty, index,
                    skip_stack, resume_at, absolute_boxes, fixed_boxes)

            # edition, change 3: WeasyPrint reverts the order of the notes it moved here;
            # _report_before already put each where it belongs

            break

        # TODO: this is incomplete.
        # See https://drafts.csswg.org/css-page-3/#allowed-pg-brk
        # "When an unforced page break occurs here, both the adjoining
        #  ‘margin-top’ and ‘margin-bottom’ are set to zero."
        # See issue #115.
        elif page_is_empty and context.overflows_page(bottom_space, new_position_y):
            # Remove the top border when a page is empty and the box is
            # too high to be drawn in one page
            new_position_y -= box.margin_top
            line.translate(0, -box.margin_top)
            box.margin_top = 0

        if context.footnotes:
            break_linebox = False
            footnotes = (
                descendant.footnote for descendant in line.descendants()
                if descendant.footnote in context.footnotes)
            for footnote in footnotes:
                overflow = context.layout_footnote(footnote)
                new_footnotes.append(footnote)
                overflow = (
                    overflow or
                    context.reported_footnotes or
                    context.overflows_page(bottom_space, new_position_y + offset_y))
                if overflow:
                    context.report_footnote(footnote)
                    # If we've put other content on this page, then we may want
                    # to push this line or block to the next page. Otherwise,
                    # we can't (and would loop forever if we tried), so don't
                    # even try.
                    if new_children or not page_is_empty:
                        if footnote.style['footnote_policy'] == 'line':
                            if needed := box.style['widows'] - 1:
                                for _ in lines_iterator:
                                    needed -= 1
                                    # Don’t iterate over all lines as it can be long.
                                    if needed == 0:
                                        break
                            abort, stop, resume_at = block._break_line(
                                context, box, line, new_children, needed, page_is_empty,
                                index, skip_stack, resume_at, absolute_boxes,
                                fixed_boxes)
                            break_linebox = True
                            break
                        elif footnote.style['footnote_policy'] == 'block':
                            abort = break_linebox = True
                            break
            if break_linebox:
                break

        new_children.append(line)
        position_y = new_position_y
        skip_stack = resume_at

    if new_children:
        resume_at = {index: new_children[-1].resume_at}

    return abort, stop, resume_at, position_y, new_footnotes, max_lines
