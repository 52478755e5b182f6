/**
 * Messages that are not questions: a greeting or a thank-you. They get a short friendly reply
 * that says what the bot does, not a decline for words that match nothing.
 */

export type SmallTalk = 'hello' | 'thanks';

const OPENER = String.raw`(?:hi|hello|hey|hiya|howdy|hallo|greetings|yo|good\s+(?:morning|afternoon|evening|day))`;
const THANKS = String.raw`(?:thanks|thank\s+you|thank\s+u|thx|ty|cheers|many\s+thanks|much\s+appreciated|great,?\s+thanks|ok(?:ay)?,?\s+thanks?)`;
/** What may follow: "hi there", "thanks a lot", "thank you so much for that", "hello bot". */
const TAIL = String.raw`(?:[\s,]+(?:there|all|everyone|everybody|folks|team|bot|apo-bot|again|so\s+much|very\s+much|a\s+lot|a\s+bunch|for\s+(?:that|this|the\s+help|your\s+help|the\s+answer|the\s+info)|that\s+helps|that\s+helped|!+))*`;
const END = String.raw`[\s!.,:;)(?~\p{Emoji_Presentation}]*`;

const HELLO = new RegExp(`^\\s*${OPENER}${TAIL}${END}$`, 'iu');
const THANK_YOU = new RegExp(`^\\s*(?:${OPENER}[\\s,!]+)?${THANKS}${TAIL}${END}$`, 'iu');

/** Whether a message is only a greeting or only thanks, and which. */
export function smallTalkOf(message: string): SmallTalk | undefined {
  if (THANK_YOU.test(message)) return 'thanks';
  if (HELLO.test(message)) return 'hello';
  return undefined;
}
