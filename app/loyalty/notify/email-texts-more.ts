// The loyalty emails' default words in the languages added with 0036 (nb, de, fr, es, it,
// nl, pl, pt-BR), one block per language; ./email-texts.ts merges them with en, fi, da, sv.
import type { EmailChrome, EmailOccasionKind, EmailText } from "./email-texts";

export type MoreLanguage = "nb" | "de" | "fr" | "es" | "it" | "nl" | "pl" | "pt-BR";

export interface EmailWords {
  friend: string;
  customer: string;
  noTier: string;
  years: (n: number) => string;
  pointsGift: string;
}

interface LanguageEmails {
  chrome: EmailChrome;
  words: EmailWords;
  texts: Record<EmailOccasionKind, EmailText>;
}

const plural = (lang: string, forms: Partial<Record<Intl.LDMLPluralRule, string>> & { other: string }) => (n: number) =>
  (forms[new Intl.PluralRules(lang).select(n)] ?? forms.other).replace("#", String(n));

export const MORE_EMAILS: Record<MoreLanguage, LanguageEmails> = {
  nb: {
    chrome: { button: "Se fordelene dine", balance: "Saldoen din: {balance}", tierProgress: "{remaining} til for å nå {next}", tierTop: "Du er på vårt høyeste nivå, {tier}", unsubscribe: "Meld deg av e-poster fra fordelsprogrammet", why: "Du får denne e-posten fordi du er medlem av {program} hos {shop}.", codeLabel: "Koden din" },
    words: { friend: "Vennen din", customer: "der", noTier: "ingen nivå", years: plural("nb", { one: "# år", other: "# år" }), pointsGift: "{points}" },
    texts: {
      welcome: { subject: "Velkommen til {program}, {name}", text: "Takk for at du ble med i {program} hos {shop}. Du tjener poeng på hver bestilling og kan bruke dem på fordeler.\n{points} venter allerede på deg." },
      points_earned: { subject: "Du har fått {points}", text: "Bestillingen {order} ga deg {points}. De er klare til bruk." },
      reward_affordable: { subject: "Nå kan du få {reward}", text: "Poengene dine holder nå til {reward} ({cost}). Løs den inn når du vil." },
      points_expiring: { subject: "{points} utløper {date}", text: "{points} av saldoen din utløper {date}. Legg inn en bestilling eller løs inn en fordel før det for å beholde dem." },
      tier_reached: { subject: "Velkommen til {tier}", text: "Gratulerer, {name}: du har nådd {tier}. Kos deg med fordelene som følger med." },
      tier_kept: { subject: "Du beholder {tier}", text: "Takk for nok et flott år, {name}. Du beholder {tier} og alle fordelene." },
      tier_lowered: { subject: "Nivået ditt er nå {tier}", text: "Medlemskapet ditt er flyttet fra {from_tier} til {tier}. Hver bestilling tar deg nærmere neste nivå igjen." },
      referral_reward: { subject: "Takk for at du vervet: {gift}", text: "{friend} har lagt inn sin første bestilling takket være deg. Her er belønningen din: {gift}." },
      friend_welcome_code: { subject: "En gave fra {referrer}: {gift}", text: "{referrer} har invitert deg til {shop}. Bruk koden din i kassen og få {gift}." },
      birthday: { subject: "Gratulerer med dagen, {name}!", text: "Alle hos {shop} ønsker deg en riktig god bursdag. Gaven vår til deg: {gift}." },
      anniversary: { subject: "{years} med {program}", text: "I dag er det {years} siden du ble med i {program}. Takk for at du er med: {points} spanderer vi." },
      winback: { subject: "Vi savner deg, {name}", text: "Det er {days} dager siden forrige bestilling. Du har fortsatt {balance} å bruke. {gift}" },
      surprise: { subject: "En overraskelse til deg, {name}", text: "Du er et av medlemmene vi har valgt ut til {surprise}. Gaven vår til deg: {gift}." },
    },
  },
  de: {
    chrome: { button: "Deine Prämien ansehen", balance: "Dein Punktestand: {balance}", tierProgress: "Noch {remaining} bis {next}", tierTop: "Du bist auf unserer höchsten Stufe: {tier}", unsubscribe: "Prämien-E-Mails abbestellen", why: "Du erhältst diese E-Mail, weil du Mitglied bei {program} von {shop} bist.", codeLabel: "Dein Code" },
    words: { friend: "Dein Freund", customer: "du", noTier: "keine Stufe", years: plural("de", { one: "# Jahr", other: "# Jahre" }), pointsGift: "{points}" },
    texts: {
      welcome: { subject: "Willkommen bei {program}, {name}", text: "Schön, dass du bei {program} von {shop} dabei bist. Mit jeder Bestellung sammelst du Punkte und löst sie gegen Prämien ein.\n{points} warten schon auf dich." },
      points_earned: { subject: "Du hast {points} gesammelt", text: "Deine Bestellung {order} hat dir {points} eingebracht. Du kannst sie ab sofort einlösen." },
      reward_affordable: { subject: "Jetzt kannst du {reward} einlösen", text: "Deine Punkte reichen jetzt für {reward} ({cost}). Löse die Prämie ein, wann immer du möchtest." },
      points_expiring: { subject: "{points} verfallen am {date}", text: "{points} deines Punktestands verfallen am {date}. Bestelle vorher oder löse eine Prämie ein, damit sie erhalten bleiben." },
      tier_reached: { subject: "Willkommen bei {tier}", text: "Glückwunsch, {name}: Du hast {tier} erreicht. Genieße die Vorteile, die dazugehören." },
      tier_kept: { subject: "Du bleibst bei {tier}", text: "Danke für ein weiteres tolles Jahr, {name}. Du behältst {tier} mit allen Vorteilen." },
      tier_lowered: { subject: "Deine Stufe ist jetzt {tier}", text: "Deine Mitgliedschaft wurde von {from_tier} auf {tier} umgestellt. Jede Bestellung bringt dich der nächsten Stufe wieder näher." },
      referral_reward: { subject: "Danke für deine Empfehlung: {gift}", text: "{friend} hat dank dir zum ersten Mal bestellt. Hier ist deine Belohnung: {gift}." },
      friend_welcome_code: { subject: "Ein Geschenk von {referrer}: {gift}", text: "{referrer} hat dich zu {shop} eingeladen. Gib deinen Code an der Kasse ein und erhalte {gift}." },
      birthday: { subject: "Alles Gute zum Geburtstag, {name}!", text: "Das ganze Team von {shop} wünscht dir alles Gute zum Geburtstag. Unser Geschenk für dich: {gift}." },
      anniversary: { subject: "{years} bei {program}", text: "Heute vor {years} bist du {program} beigetreten. Danke, dass du dabei bist: {points} gehen auf uns." },
      winback: { subject: "Wir vermissen dich, {name}", text: "Deine letzte Bestellung ist {days} Tage her. Du hast noch {balance} zum Einlösen. {gift}" },
      surprise: { subject: "Eine Überraschung für dich, {name}", text: "Du gehörst zu den Mitgliedern, die wir für {surprise} ausgewählt haben. Unser Geschenk für dich: {gift}." },
    },
  },
  fr: {
    chrome: { button: "Voir mes récompenses", balance: "Votre solde : {balance}", tierProgress: "Encore {remaining} pour atteindre {next}", tierTop: "Vous êtes à notre niveau le plus élevé : {tier}", unsubscribe: "Se désabonner des e-mails de fidélité", why: "Vous recevez cet e-mail car vous êtes membre de {program} chez {shop}.", codeLabel: "Votre code" },
    words: { friend: "Votre ami", customer: "à vous", noTier: "aucun niveau", years: plural("fr", { one: "# an", other: "# ans" }), pointsGift: "{points}" },
    texts: {
      welcome: { subject: "Bienvenue dans {program}, {name}", text: "Merci d’avoir rejoint {program} chez {shop}. Chaque commande vous rapporte des points à échanger contre des récompenses.\n{points} vous attendent déjà." },
      points_earned: { subject: "Vous avez gagné {points}", text: "Votre commande {order} vous a rapporté {points}. Ils sont prêts à être utilisés." },
      reward_affordable: { subject: "Vous pouvez maintenant obtenir {reward}", text: "Vos points suffisent désormais pour {reward} ({cost}). Échangez-les quand vous le souhaitez." },
      points_expiring: { subject: "{points} expirent le {date}", text: "{points} de votre solde expirent le {date}. Passez commande ou échangez une récompense d’ici là pour les conserver." },
      tier_reached: { subject: "Bienvenue au niveau {tier}", text: "Félicitations, {name} : vous avez atteint le niveau {tier}. Profitez des avantages qui l’accompagnent." },
      tier_kept: { subject: "Vous conservez le niveau {tier}", text: "Merci pour cette nouvelle année à nos côtés, {name}. Vous conservez le niveau {tier} et tous ses avantages." },
      tier_lowered: { subject: "Votre niveau est désormais {tier}", text: "Votre adhésion est passée de {from_tier} à {tier}. Chaque commande vous rapproche à nouveau du niveau suivant." },
      referral_reward: { subject: "Merci pour votre parrainage : {gift}", text: "{friend} a passé sa première commande grâce à vous. Voici votre récompense : {gift}." },
      friend_welcome_code: { subject: "Un cadeau de {referrer} : {gift}", text: "{referrer} vous invite chez {shop}. Utilisez votre code au paiement pour profiter de {gift}." },
      birthday: { subject: "Joyeux anniversaire, {name} !", text: "Toute l’équipe de {shop} vous souhaite un joyeux anniversaire. Notre cadeau pour vous : {gift}." },
      anniversary: { subject: "{years} avec {program}", text: "Cela fait aujourd’hui {years} que vous avez rejoint {program}. Merci de votre fidélité : {points} vous sont offerts." },
      winback: { subject: "Vous nous manquez, {name}", text: "Votre dernière commande remonte à {days} jours. Il vous reste {balance} à utiliser. {gift}" },
      surprise: { subject: "Une surprise pour vous, {name}", text: "Vous faites partie des membres que nous avons choisis pour {surprise}. Notre cadeau pour vous : {gift}." },
    },
  },
  es: {
    chrome: { button: "Ver mis recompensas", balance: "Tu saldo: {balance}", tierProgress: "{remaining} más para llegar a {next}", tierTop: "Estás en nuestro nivel más alto: {tier}", unsubscribe: "Darme de baja de los correos del programa", why: "Recibes este correo porque eres miembro de {program} en {shop}.", codeLabel: "Tu código" },
    words: { friend: "Tu amigo", customer: "hola", noTier: "sin nivel", years: plural("es", { one: "# año", other: "# años" }), pointsGift: "{points}" },
    texts: {
      welcome: { subject: "Te damos la bienvenida a {program}, {name}", text: "Gracias por unirte a {program} en {shop}. Con cada pedido ganas puntos que puedes canjear por recompensas.\nYa te esperan {points}." },
      points_earned: { subject: "Has ganado {points}", text: "Tu pedido {order} te ha dado {points}. Ya puedes usarlos." },
      reward_affordable: { subject: "Ya puedes conseguir {reward}", text: "Tus puntos ya alcanzan para {reward} ({cost}). Canjéalo cuando quieras." },
      points_expiring: { subject: "{points} caducan el {date}", text: "{points} de tu saldo caducan el {date}. Haz un pedido o canjea una recompensa antes para conservarlos." },
      tier_reached: { subject: "Bienvenido a {tier}", text: "Enhorabuena, {name}: has llegado a {tier}. Disfruta de las ventajas que lo acompañan." },
      tier_kept: { subject: "Mantienes {tier}", text: "Gracias por otro gran año, {name}. Mantienes {tier} y todas sus ventajas." },
      tier_lowered: { subject: "Tu nivel ahora es {tier}", text: "Tu membresía ha pasado de {from_tier} a {tier}. Cada pedido te acerca de nuevo al siguiente nivel." },
      referral_reward: { subject: "Gracias por tu invitación: {gift}", text: "{friend} ha hecho su primer pedido gracias a ti. Aquí tienes tu recompensa: {gift}." },
      friend_welcome_code: { subject: "Un regalo de {referrer}: {gift}", text: "{referrer} te ha invitado a {shop}. Usa tu código al pagar y consigue {gift}." },
      birthday: { subject: "¡Feliz cumpleaños, {name}!", text: "Todo el equipo de {shop} te desea un feliz cumpleaños. Nuestro regalo para ti: {gift}." },
      anniversary: { subject: "{years} con {program}", text: "Hoy hace {years} que te uniste a {program}. Gracias por estar con nosotros: te regalamos {points}." },
      winback: { subject: "Te echamos de menos, {name}", text: "Han pasado {days} días desde tu último pedido. Todavía tienes {balance} para usar. {gift}" },
      surprise: { subject: "Una sorpresa para ti, {name}", text: "Estás entre los miembros que hemos elegido para {surprise}. Nuestro regalo para ti: {gift}." },
    },
  },
  it: {
    chrome: { button: "Vedi i tuoi premi", balance: "Il tuo saldo: {balance}", tierProgress: "Ancora {remaining} per raggiungere {next}", tierTop: "Sei al nostro livello più alto: {tier}", unsubscribe: "Annulla l’iscrizione alle email del programma", why: "Ricevi questa email perché sei membro di {program} su {shop}.", codeLabel: "Il tuo codice" },
    words: { friend: "Il tuo amico", customer: "ciao", noTier: "nessun livello", years: plural("it", { one: "# anno", other: "# anni" }), pointsGift: "{points}" },
    texts: {
      welcome: { subject: "Benvenuto in {program}, {name}", text: "Grazie per esserti iscritto a {program} su {shop}. Con ogni ordine guadagni punti da usare per ottenere premi.\nTi aspettano già {points}." },
      points_earned: { subject: "Hai guadagnato {points}", text: "Il tuo ordine {order} ti ha fatto guadagnare {points}. Puoi già usarli." },
      reward_affordable: { subject: "Ora puoi ottenere {reward}", text: "I tuoi punti ora bastano per {reward} ({cost}). Riscattalo quando vuoi." },
      points_expiring: { subject: "{points} scadono il {date}", text: "{points} del tuo saldo scadono il {date}. Fai un ordine o riscatta un premio prima di allora per non perderli." },
      tier_reached: { subject: "Benvenuto in {tier}", text: "Complimenti, {name}: hai raggiunto {tier}. Goditi i vantaggi che ne derivano." },
      tier_kept: { subject: "Mantieni {tier}", text: "Grazie per un altro splendido anno, {name}. Mantieni {tier} e tutti i suoi vantaggi." },
      tier_lowered: { subject: "Il tuo livello ora è {tier}", text: "La tua iscrizione è passata da {from_tier} a {tier}. Ogni ordine ti avvicina di nuovo al livello successivo." },
      referral_reward: { subject: "Grazie per l’invito: {gift}", text: "{friend} ha fatto il primo ordine grazie a te. Ecco il tuo premio: {gift}." },
      friend_welcome_code: { subject: "Un regalo da {referrer}: {gift}", text: "{referrer} ti ha invitato su {shop}. Usa il tuo codice al checkout e ottieni {gift}." },
      birthday: { subject: "Buon compleanno, {name}!", text: "Tutto il team di {shop} ti augura buon compleanno. Il nostro regalo per te: {gift}." },
      anniversary: { subject: "{years} con {program}", text: "Oggi sono {years} da quando ti sei iscritto a {program}. Grazie di essere con noi: {points} li offriamo noi." },
      winback: { subject: "Ci manchi, {name}", text: "Sono passati {days} giorni dal tuo ultimo ordine. Hai ancora {balance} da usare. {gift}" },
      surprise: { subject: "Una sorpresa per te, {name}", text: "Sei tra i membri che abbiamo scelto per {surprise}. Il nostro regalo per te: {gift}." },
    },
  },
  nl: {
    chrome: { button: "Bekijk je beloningen", balance: "Je saldo: {balance}", tierProgress: "Nog {remaining} tot {next}", tierTop: "Je zit op ons hoogste niveau: {tier}", unsubscribe: "Afmelden voor e-mails van het spaarprogramma", why: "Je ontvangt deze e-mail omdat je lid bent van {program} bij {shop}.", codeLabel: "Je code" },
    words: { friend: "Je vriend", customer: "daar", noTier: "geen niveau", years: plural("nl", { one: "# jaar", other: "# jaar" }), pointsGift: "{points}" },
    texts: {
      welcome: { subject: "Welkom bij {program}, {name}", text: "Bedankt dat je lid bent geworden van {program} bij {shop}. Met elke bestelling spaar je punten die je kunt inwisselen voor beloningen.\nEr staan al {points} voor je klaar." },
      points_earned: { subject: "Je hebt {points} verdiend", text: "Je bestelling {order} leverde je {points} op. Je kunt ze meteen gebruiken." },
      reward_affordable: { subject: "Je kunt nu {reward} krijgen", text: "Je punten zijn nu genoeg voor {reward} ({cost}). Wissel in wanneer je wilt." },
      points_expiring: { subject: "{points} vervallen op {date}", text: "{points} van je saldo vervallen op {date}. Plaats vóór die tijd een bestelling of wissel een beloning in om ze te houden." },
      tier_reached: { subject: "Welkom bij {tier}", text: "Gefeliciteerd, {name}: je hebt {tier} bereikt. Geniet van de voordelen die erbij horen." },
      tier_kept: { subject: "Je behoudt {tier}", text: "Bedankt voor weer een mooi jaar, {name}. Je behoudt {tier} met alle voordelen." },
      tier_lowered: { subject: "Je niveau is nu {tier}", text: "Je lidmaatschap is van {from_tier} naar {tier} gegaan. Elke bestelling brengt je weer dichter bij het volgende niveau." },
      referral_reward: { subject: "Bedankt voor je uitnodiging: {gift}", text: "{friend} heeft dankzij jou de eerste bestelling geplaatst. Hier is je beloning: {gift}." },
      friend_welcome_code: { subject: "Een cadeau van {referrer}: {gift}", text: "{referrer} heeft je uitgenodigd bij {shop}. Gebruik je code bij het afrekenen en krijg {gift}." },
      birthday: { subject: "Gefeliciteerd, {name}!", text: "Iedereen bij {shop} wenst je een fijne verjaardag. Ons cadeau voor jou: {gift}." },
      anniversary: { subject: "{years} bij {program}", text: "Vandaag is het {years} geleden dat je lid werd van {program}. Bedankt dat je erbij bent: {points} krijg je van ons." },
      winback: { subject: "We missen je, {name}", text: "Je laatste bestelling is {days} dagen geleden. Je hebt nog {balance} te besteden. {gift}" },
      surprise: { subject: "Een verrassing voor jou, {name}", text: "Je bent een van de leden die we hebben uitgekozen voor {surprise}. Ons cadeau voor jou: {gift}." },
    },
  },
  pl: {
    chrome: { button: "Zobacz swoje nagrody", balance: "Twoje saldo: {balance}", tierProgress: "Jeszcze {remaining} do poziomu {next}", tierTop: "Masz nasz najwyższy poziom: {tier}", unsubscribe: "Wypisz się z wiadomości programu lojalnościowego", why: "Otrzymujesz tę wiadomość, ponieważ należysz do programu {program} w sklepie {shop}.", codeLabel: "Twój kod" },
    words: { friend: "Twój znajomy", customer: "Cześć", noTier: "brak poziomu", years: plural("pl", { one: "# rok", few: "# lata", many: "# lat", other: "# roku" }), pointsGift: "{points}" },
    texts: {
      welcome: { subject: "Witaj w programie {program}, {name}", text: "Dziękujemy za dołączenie do programu {program} w sklepie {shop}. Za każde zamówienie zbierasz punkty, które wymienisz na nagrody.\nNa start czeka na Ciebie: {points}." },
      points_earned: { subject: "Zdobyto: {points}", text: "Za zamówienie {order} otrzymujesz: {points}. Możesz z nich już korzystać." },
      reward_affordable: { subject: "Możesz już odebrać: {reward}", text: "Masz wystarczająco punktów na nagrodę {reward} ({cost}). Wymień je, kiedy chcesz." },
      points_expiring: { subject: "{date} wygasa: {points}", text: "{date} wygasa część Twojego salda: {points}. Złóż zamówienie lub wymień nagrodę przed tym dniem, aby je zachować." },
      tier_reached: { subject: "Witaj na poziomie {tier}", text: "Gratulacje, {name}: osiągnięto poziom {tier}. Korzystaj z jego przywilejów." },
      tier_kept: { subject: "Zachowujesz poziom {tier}", text: "Dziękujemy za kolejny wspaniały rok, {name}. Zachowujesz poziom {tier} ze wszystkimi korzyściami." },
      tier_lowered: { subject: "Twój poziom to teraz {tier}", text: "Twoje członkostwo zmieniło się z poziomu {from_tier} na {tier}. Każde zamówienie znów przybliża Cię do kolejnego poziomu." },
      referral_reward: { subject: "Dziękujemy za polecenie: {gift}", text: "Dzięki Tobie {friend} złożył(a) pierwsze zamówienie. Oto Twoja nagroda: {gift}." },
      friend_welcome_code: { subject: "Prezent od {referrer}: {gift}", text: "{referrer} zaprasza Cię do sklepu {shop}. Użyj kodu przy kasie i odbierz: {gift}." },
      birthday: { subject: "Wszystkiego najlepszego, {name}!", text: "Cały zespół {shop} życzy Ci wszystkiego najlepszego z okazji urodzin. Nasz prezent dla Ciebie: {gift}." },
      anniversary: { subject: "{years} w programie {program}", text: "Dziś mija {years} od Twojego dołączenia do programu {program}. Dziękujemy, że jesteś z nami: {points} w prezencie." },
      winback: { subject: "Tęsknimy za Tobą, {name}", text: "Od Twojego ostatniego zamówienia minęło {days} dni. Wciąż masz do wykorzystania: {balance}. {gift}" },
      surprise: { subject: "Niespodzianka dla Ciebie, {name}", text: "Wybraliśmy Cię do akcji {surprise}. Nasz prezent dla Ciebie: {gift}." },
    },
  },
  "pt-BR": {
    chrome: { button: "Ver minhas recompensas", balance: "Seu saldo: {balance}", tierProgress: "Faltam {remaining} para chegar a {next}", tierTop: "Você está no nosso nível mais alto: {tier}", unsubscribe: "Cancelar e-mails do programa de fidelidade", why: "Você recebe este e-mail porque participa do {program} da {shop}.", codeLabel: "Seu cupom" },
    words: { friend: "Seu amigo", customer: "tudo bem", noTier: "sem nível", years: plural("pt-BR", { one: "# ano", other: "# anos" }), pointsGift: "{points}" },
    texts: {
      welcome: { subject: "Boas-vindas ao {program}, {name}", text: "Obrigado por participar do {program} da {shop}. A cada pedido você ganha pontos para trocar por recompensas.\n{points} já estão esperando por você." },
      points_earned: { subject: "Você ganhou {points}", text: "Seu pedido {order} rendeu {points}. Eles já podem ser usados." },
      reward_affordable: { subject: "Agora você pode resgatar {reward}", text: "Seus pontos já são suficientes para {reward} ({cost}). Resgate quando quiser." },
      points_expiring: { subject: "{points} expiram em {date}", text: "{points} do seu saldo expiram em {date}. Faça um pedido ou resgate uma recompensa antes disso para não perdê-los." },
      tier_reached: { subject: "Boas-vindas ao {tier}", text: "Parabéns, {name}: você chegou ao {tier}. Aproveite as vantagens que vêm com ele." },
      tier_kept: { subject: "Você continua no {tier}", text: "Obrigado por mais um ótimo ano, {name}. Você continua no {tier} com todas as vantagens." },
      tier_lowered: { subject: "Seu nível agora é {tier}", text: "Sua participação passou de {from_tier} para {tier}. Cada pedido deixa você mais perto do próximo nível de novo." },
      referral_reward: { subject: "Obrigado pela indicação: {gift}", text: "{friend} fez o primeiro pedido graças a você. Aqui está sua recompensa: {gift}." },
      friend_welcome_code: { subject: "Um presente de {referrer}: {gift}", text: "{referrer} convidou você para a {shop}. Use seu cupom no checkout e ganhe {gift}." },
      birthday: { subject: "Feliz aniversário, {name}!", text: "Toda a equipe da {shop} deseja um feliz aniversário. Nosso presente para você: {gift}." },
      anniversary: { subject: "{years} com o {program}", text: "Hoje faz {years} que você entrou no {program}. Obrigado por estar com a gente: {points} por nossa conta." },
      winback: { subject: "Sentimos sua falta, {name}", text: "Já se passaram {days} dias desde o seu último pedido. Você ainda tem {balance} para usar. {gift}" },
      surprise: { subject: "Uma surpresa para você, {name}", text: "Você está entre os membros que escolhemos para {surprise}. Nosso presente para você: {gift}." },
    },
  },
};
