# Sexualisation: a moderation word list for sexual talk. It weighs most when a young person is involved.
family: sexualisation

[sexual-talk] 0.6 | Sexual talk or requests for intimate images
sexy
naked
nude*
undress*
take off your
take your * off
what are you wearing
wearing right now
in your underwear
underwear
bra
lingerie
bikini pic
turned on
horny
sexemoji
touch you
your body
body pic
spicy pic
spicy photo
private pic
private photo
lewd*
no clothes
in the shower
in the bath
virgin
ever been kissed
have you ever kissed
