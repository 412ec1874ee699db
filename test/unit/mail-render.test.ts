import assert from 'node:assert/strict';
import { renderMail, textToHtml } from '../../server/services/mail-render';

const common = {
  name: 'Dana Whitfield',
  reference: 'TA-2030-0042',
  title: 'Equity lens for our plan',
  organization: 'Ohio State Board of Education',
  jurisdiction: 'Ohio',
  track: 'Technical Assistance',
  statusUrl: 'http://leep.test/status/abcDEF123_-xyz',
  caseUrl: 'http://leep.test/cases/42',
  targetDays: 5,
};

/** The body of the HTML part, between the layout's header line and its rule. */
const bodyOf = (html: string) => html.split('LEEP TA Tracker</p>')[1]?.split('<hr')[0]?.trim() ?? '';

describe('mail-render', () => {
  it('renderMail, for a request received, gives a text part with the reference, the status link and the target, ending in one line break', () => {
    const mail = renderMail('request-received', 'We received your request TA-2030-0042', common);
    assert.equal(mail.subject, 'We received your request TA-2030-0042');
    // A receipt goes to whatever address was typed: it repeats none of the requester's own text.
    assert.match(mail.text, /^Hello,\n\n/);
    assert.match(mail.text, /Your reference is TA-2030-0042 \(Ohio\)\./);
    assert.ok(!mail.text.includes('Dana Whitfield') && !mail.text.includes('Equity lens for our plan'), mail.text);
    assert.match(mail.text, /usually within 5 business days/);
    assert.match(mail.text, /\n\nhttp:\/\/leep\.test\/status\/abcDEF123_-xyz\n\n/);
    assert.ok(mail.text.endsWith('The LEEP team\n'));
    assert.ok(!/\n{3,}/.test(mail.text), 'the text has runs of blank lines');
  });

  it('renderMail, for the HTML part, keeps the paragraphs of the text and makes the links clickable', () => {
    const mail = renderMail('request-received', 'We received your request TA-2030-0042', common);
    assert.match(mail.html, /^<!doctype html>/);
    assert.match(mail.html, /<title>We received your request TA-2030-0042<\/title>/);
    const body = bodyOf(mail.html);
    assert.equal(body.match(/<p>/g)?.length, mail.text.trim().split(/\n{2,}/).length);
    assert.match(body, /<p><a href="http:\/\/leep\.test\/status\/abcDEF123_-xyz">http:\/\/leep\.test\/status\/abcDEF123_-xyz<\/a><\/p>/);
    assert.match(body, /<p>Hello,<\/p>/);
  });

  it('renderMail, for a message with HTML in it, keeps the text as written and escapes every character of it in the HTML part', () => {
    const body = 'See <script>alert("x")</script> & <a href="http://evil.example">this</a>\nSecond line';
    const mail = renderMail('message-to-requester', 'A message about your request TA-2030-0042', { ...common, author: 'Lou <Lead>', body });
    assert.ok(mail.text.includes(`\n\n${body}\n\n`), 'the text part does not carry the message as written');
    assert.match(mail.text, /Lou <Lead> of the LEEP team wrote/);
    assert.ok(!mail.html.includes('<script'), 'a script tag reached the HTML part');
    assert.ok(!mail.html.includes('>this</a>'), "the sender's own markup reached the HTML part");
    assert.ok(!mail.html.includes('<Lead>'));
    // The sender's markup is shown as text, and a URL typed in it is not made a link: only the app's own links are.
    assert.ok(
      mail.html.includes(
        'See &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;a href=&quot;http://evil.example&quot;&gt;this&lt;/a&gt;<br>Second line',
      ),
      mail.html,
    );
    assert.ok(!/href="http:\/\/evil/.test(mail.html), 'a typed link became a link');
    assert.match(mail.html, /Lou &lt;Lead&gt; of the LEEP team/);
  });

  it('renderMail, for a subject with markup, escapes it in the HTML title and keeps it as is in the subject', () => {
    const subject = 'Dana <b>&</b> wrote about TA-2030-0042';
    const mail = renderMail('message-from-requester', subject, { ...common, body: 'Hello' });
    assert.equal(mail.subject, subject);
    assert.match(mail.html, /<title>Dana &lt;b&gt;&amp;&lt;\/b&gt; wrote about TA-2030-0042<\/title>/);
  });

  it('renderMail, for a completed case, links the survey at #feedback', () => {
    const feedbackUrl = `${common.statusUrl}#feedback`;
    const mail = renderMail('case-completed', 'Your request TA-2030-0042 is complete: how did it go?', { ...common, feedbackUrl });
    assert.ok(mail.text.includes(`\n\n${feedbackUrl}\n\n`));
    assert.ok(mail.html.includes(`<a href="${feedbackUrl}">${feedbackUrl}</a>`));
  });

  it('renderMail, for a scheduled and a moved engagement, says which', () => {
    const data = { ...common, when: '2030-03-01 at 10:00 (America/New York)', format: 'Small-group facilitation', duration: 90 };
    const scheduled = renderMail('engagement-scheduled', 's', { ...data, moved: false });
    const moved = renderMail('engagement-scheduled', 's', { ...data, moved: true });
    assert.match(
      scheduled.text,
      /A meeting is scheduled for your request TA-2030-0042:\n\n2030-03-01 at 10:00 \(America\/New York\)\nSmall-group facilitation, 90 minutes/,
    );
    assert.match(moved.text, /A meeting for your request TA-2030-0042 has moved\. The new date:/);
    assert.ok(!scheduled.text.includes('has moved'));
  });

  it('renderMail, for every kind the notifications use, renders without leaving a placeholder empty', () => {
    const data = {
      ...common,
      consultantName: 'Lena Lead',
      author: 'Lena Lead',
      body: 'Hello',
      feedbackUrl: `${common.statusUrl}#feedback`,
      when: 'soon',
      format: 'One-on-one discussion',
      duration: 60,
      moved: false,
    };
    for (const kind of [
      'request-received',
      'request-new',
      'consultant-assigned',
      'requester-assigned',
      'message-to-requester',
      'message-from-requester',
      'engagement-scheduled',
      'case-completed',
    ]) {
      const mail = renderMail(kind, kind, data);
      assert.ok(mail.text.includes('TA-2030-0042'), `${kind} has no reference`);
      assert.ok(!/ ,|: \n|""/.test(mail.text), `${kind} has an empty placeholder:\n${mail.text}`);
    }
  });

  it('textToHtml, for a link with a query string, keeps it whole and its ampersand escaped', () => {
    assert.equal(
      textToHtml('Open http://leep.test/x?a=1&b=2 now'),
      '<p>Open <a href="http://leep.test/x?a=1&amp;b=2">http://leep.test/x?a=1&amp;b=2</a> now</p>',
    );
  });

  it('textToHtml, for links in quotes, angle brackets or before punctuation, links the URL alone', () => {
    const html = textToHtml(
      'See "http://leep.test/a", <http://leep.test/b> and http://leep.test/c. Or (http://leep.test/d)! Also http://leep.test/e_(f).',
    );
    assert.deepEqual(
      [...html.matchAll(/<a href="([^"]*)">([^<]*)<\/a>/g)].map((m) => [m[1], m[2]]),
      ['a', 'b', 'c', 'd', 'e_(f)'].map((p) => [`http://leep.test/${p}`, `http://leep.test/${p}`]),
    );
    assert.ok(
      html.includes(
        'See &quot;<a href="http://leep.test/a">http://leep.test/a</a>&quot;, &lt;<a href="http://leep.test/b">http://leep.test/b</a>&gt; and',
      ),
      html,
    );
  });

  it('textToHtml, for "javascript:" or a bare scheme, makes no link', () => {
    const html = textToHtml('javascript:alert(1) and http:// and https://.');
    assert.ok(!html.includes('<a '), html);
    assert.equal(html, '<p>javascript:alert(1) and http:// and https://.</p>');
  });
});
