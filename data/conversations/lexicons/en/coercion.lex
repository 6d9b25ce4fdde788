# Coercion and sextortion: threats to share images or tell others, demands for money, gift cards or more images,
# deadlines and countdowns, pressure.
family: coercion

[threat-to-share] 0.85 | Threatens to share images or messages with others
i will post
post your pic
post your photo
post them
post it everywhere
i will send them to
i will send it to
i will send * to your
send them to your
send it to your
send these to your
share your pic
share your photo
share them with
everyone will see
everyone is going to see
everyone will know
all your followers
your followers will
your friends will see
your family will see
your parents will see
your school will see
your whole school
i will expose your
expose your pic
expose your photo
leak your
i will leak
go viral
send to everyone
send them to everyone
i have your pic
i have your photo
i have your video
i saved your pic
i saved your photo
i saved everything
i screenshotted
i have screenshots
i recorded
i have the recording
made a collage
i know who your friends are
i have your followers list
i have all your contacts

[threat-to-tell] 0.45 | Threatens to tell parents, school or friends | suppress: homework grade grades detention teacher class behaviour lesson exam test
i will tell your parents
i will tell your mum
i will tell your dad
i will tell everyone
tell your school
i will tell your school
i will message your parents
i will message your mum
i will message your dad
i will show your parents

[pressure] 0.55 | Pressure and intimidation
ruin your life
ruin your reputation
your life is over
your life will be over
you will regret
or else
do what i say
do as i say
you have no choice
dont make me
i know where you live
i know your school
i know where you go to school
you are going to jail
you will go to jail
you will get in trouble
it is your fault
no one will believe you
you did this

[money-demand] 0.6 | Demands money, gift cards or payment | suppress: birthday trip lunch allowance pocket tickets concert rent bill dinner
send me money
send money
pay me
you need to pay
you have to pay
send me * gift card
buy me * gift card
get me * gift card
gift card code
card code
send the code
send me the code
send me * dollars
send me * pounds
send * dollars
cash app me
venmo me
paypal me
on cash app
on venmo
on paypal
you owe me
how much money do you have
how much can you send
send bitcoin
send crypto
payment app
steam card
google play card
itunes card
amazon card

[more-images-demand] 0.7 | Demands more images | suppress: form homework email application essay assignment money
send more or
more pic* or
more photo* or
another one or
send another or
you have to send
you better send
you need to send
unless you send
if you dont send
until you send
i want more
send me more

[deadline] 0.35 | Deadlines and countdowns | suppress: homework essay assignment bus train dinner practice ready bed school
you have * minutes
you have * hours
you have * seconds
you have until
before midnight
by tonight or
clock is ticking
time is running out
tick tock
deadline
countdown
last chance
final warning
